package dev.phanes.loadbalancer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Load-balancer metrics in Micrometer, tagged with the service only (low cardinality):
 * the counters {@code phanes.loadbalancer.retries} and
 * {@code phanes.loadbalancer.avoided} and the gauge
 * {@code phanes.loadbalancer.avoided.instances}. Does nothing while the application has
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
	public void watch(String serviceId, AvoidedInstances avoided) {
		this.registry.ifAvailable(
				(meters) -> Gauge.builder("phanes.loadbalancer.avoided.instances", avoided, AvoidedInstances::size)
					.description("Instances of the service currently avoided after a failure")
					.tag("service", serviceId)
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
	public void avoided(String serviceId, ServiceInstance instance) {
		this.registry.ifAvailable((meters) -> Counter.builder("phanes.loadbalancer.avoided")
			.description("Instances set aside after a failed request")
			.tag("service", serviceId)
			.register(meters)
			.increment());
	}

}
