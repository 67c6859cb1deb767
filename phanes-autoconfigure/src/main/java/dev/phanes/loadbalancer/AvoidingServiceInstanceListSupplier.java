package dev.phanes.loadbalancer;

import java.util.ArrayList;
import java.util.List;

import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * A {@link ServiceInstanceListSupplier} decorator that leaves out the instances set aside
 * after a failure ({@link AvoidedInstances}, filled by an
 * {@link AvoidingLoadBalancerLifecycle}), so that any balancer, and a retry, chooses
 * among the others. When every instance is avoided it supplies them all: trying one beats
 * failing without a try.
 * <p>
 * While nothing is avoided, {@link #get(Request)} hands out the delegate's lists
 * unchanged, with no operator added, so the warm path costs one check; like Spring
 * Cloud's {@code RetryAwareServiceInstanceListSupplier}, the check is made when the
 * balancer asks for the list, which is when it subscribes. {@link #get()}, which a
 * decorator that subscribes for good (such as the health-check supplier) may call,
 * filters every list it emits. Thread-safe.
 */
public class AvoidingServiceInstanceListSupplier extends DelegatingServiceInstanceListSupplier {

	private final AvoidedInstances avoided;

	/**
	 * Create a decorator.
	 * @param delegate the supplier whose lists are filtered
	 * @param avoided the instances to leave out, shared with the lifecycle that records
	 * failures
	 */
	public AvoidingServiceInstanceListSupplier(ServiceInstanceListSupplier delegate, AvoidedInstances avoided) {
		super(delegate);
		this.avoided = avoided;
	}

	@Override
	public Flux<List<ServiceInstance>> get() {
		return getDelegate().get().map(this::withoutAvoided);
	}

	@Override
	@SuppressWarnings("rawtypes")
	public Flux<List<ServiceInstance>> get(Request request) {
		Flux<List<ServiceInstance>> instances = getDelegate().get(request);
		return this.avoided.isEmpty() ? instances : instances.map(this::withoutAvoided);
	}

	private List<ServiceInstance> withoutAvoided(List<ServiceInstance> instances) {
		if (this.avoided.isEmpty()) {
			return instances;
		}
		List<ServiceInstance> healthy = new ArrayList<>(instances.size());
		for (ServiceInstance instance : instances) {
			if (!this.avoided.isAvoided(instance)) {
				healthy.add(instance);
			}
		}
		// With every instance avoided, trying one beats failing without a try.
		return healthy.isEmpty() ? instances : healthy;
	}

}
