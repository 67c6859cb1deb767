package dev.phanes.loadbalancer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Load-balancer metrics in Micrometer, tagged with the service only (low cardinality):
 * the counters {@code phanes.loadbalancer.retries} and
 * {@code phanes.loadbalancer.ejections} and the gauge
 * {@code phanes.loadbalancer.ejected.instances}. Does nothing while the application has
 * no {@link MeterRegistry}.
 */
public class MicrometerLoadBalancerMetrics implements LoadBalancerMetrics {

	private final ObjectProvider<MeterRegistry> registry;

	/**
	 * Create the metrics.
	 * @param registry the application's meter registry, if any
	 */
	public MicrometerLoadBalancerMetrics(ObjectProvider<MeterRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public void watch(OutlierEjection ejection) {
		this.registry.ifAvailable((meters) -> Gauge
			.builder("phanes.loadbalancer.ejected.instances", ejection, OutlierEjection::ejectedCount)
			.description("Instances of the service ejected now after failures")
			.tag("service", ejection.getServiceId())
			.register(meters));
	}

	@Override
	public void retried(String serviceId) {
		this.registry.ifAvailable((meters) -> Counter.builder("phanes.loadbalancer.retries")
			.description("Attempts on another instance after a failed one")
			.tag("service", serviceId)
			.register(meters)
			.increment());
	}

	@Override
	public void ejected(String serviceId) {
		this.registry.ifAvailable((meters) -> Counter.builder("phanes.loadbalancer.ejections")
			.description("Instances ejected after failures in a row")
			.tag("service", serviceId)
			.register(meters)
			.increment());
	}

}
