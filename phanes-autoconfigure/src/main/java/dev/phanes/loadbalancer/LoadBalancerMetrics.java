package dev.phanes.loadbalancer;

import org.springframework.cloud.client.ServiceInstance;

/**
 * What Phanes' load balancing reports besides Spring Cloud's
 * {@code loadbalancer.requests.*} meters: retries on another instance (counted by the
 * {@link RandomHashedLoadBalancer}) and instances set aside after a failure (counted by
 * the {@link AvoidingLoadBalancerLifecycle}).
 */
public interface LoadBalancerMetrics {

	/**
	 * Metrics that go nowhere, when Micrometer is absent.
	 */
	LoadBalancerMetrics NONE = new LoadBalancerMetrics() {

		@Override
		public void watch(String serviceId, AvoidedInstances avoided) {
		}

		@Override
		public void retried(String serviceId) {
		}

		@Override
		public void avoided(String serviceId, ServiceInstance instance) {
		}

	};

	/**
	 * Start reporting how many instances of a service are avoided.
	 * @param serviceId the service
	 * @param avoided its avoided instances
	 */
	void watch(String serviceId, AvoidedInstances avoided);

	/**
	 * Count an attempt on another instance after a failed one.
	 * @param serviceId the service
	 */
	void retried(String serviceId);

	/**
	 * Count an instance set aside after a failure.
	 * @param serviceId the service
	 * @param instance the instance
	 */
	void avoided(String serviceId, ServiceInstance instance);

}
