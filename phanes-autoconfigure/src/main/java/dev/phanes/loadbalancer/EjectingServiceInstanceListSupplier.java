package dev.phanes.loadbalancer;

import java.util.List;

import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * A {@link ServiceInstanceListSupplier} decorator that leaves out the instances its
 * service's {@link OutlierEjection} has ejected (filled by an
 * {@link OutlierEjectionLifecycle}, and by gRPC calls through Phanes' policy), so that
 * any balancer, and a retry, chooses among the others. The ejection's cap keeps most of
 * the instances in the list even when all of them fail.
 * <p>
 * While no instance has a record (and once a first list told the ejection the service's
 * size), {@link #get(Request)} hands out the delegate's lists unchanged, with no operator
 * added, so the warm path costs one check; like Spring Cloud's
 * {@code RetryAwareServiceInstanceListSupplier}, the check is made when the balancer asks
 * for the list, which is when it subscribes. {@link #get()}, which a decorator that
 * subscribes for good (such as the health-check supplier) may call, filters every list it
 * emits. Thread-safe.
 */
public class EjectingServiceInstanceListSupplier extends DelegatingServiceInstanceListSupplier {

	private final OutlierEjection ejection;

	/**
	 * Create a decorator.
	 * @param delegate the supplier whose lists are filtered
	 * @param ejection the outlier detection of the service
	 */
	public EjectingServiceInstanceListSupplier(ServiceInstanceListSupplier delegate, OutlierEjection ejection) {
		super(delegate);
		this.ejection = ejection;
	}

	@Override
	public Flux<List<ServiceInstance>> get() {
		return getDelegate().get().map(this::withoutEjected);
	}

	@Override
	@SuppressWarnings("rawtypes")
	public Flux<List<ServiceInstance>> get(Request request) {
		Flux<List<ServiceInstance>> instances = getDelegate().get(request);
		return this.ejection.isQuiet() ? instances : instances.map(this::withoutEjected);
	}

	private List<ServiceInstance> withoutEjected(List<ServiceInstance> instances) {
		return this.ejection.filter(instances, RendezvousHash::identity);
	}

}
