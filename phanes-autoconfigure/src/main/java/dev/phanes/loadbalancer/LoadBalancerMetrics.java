package dev.phanes.loadbalancer;

/**
 * What Phanes' load balancing reports besides Spring Cloud's
 * {@code loadbalancer.requests.*} meters: retries on another instance (counted by the
 * {@link RandomHashedLoadBalancer}) and instances ejected after failures (counted by the
 * {@link OutlierEjectionLifecycle} and by gRPC calls).
 */
public interface LoadBalancerMetrics {

	/**
	 * Metrics that go nowhere, when Micrometer is absent.
	 */
	LoadBalancerMetrics NONE = new LoadBalancerMetrics() {

		@Override
		public void watch(OutlierEjection ejection) {
		}

		@Override
		public void retried(String serviceId) {
		}

		@Override
		public void ejected(String serviceId) {
		}

	};

	/**
	 * Start reporting how many instances of a service are ejected.
	 * @param ejection the service's outlier detection
	 */
	void watch(OutlierEjection ejection);

	/**
	 * Count an attempt on another instance after a failed one.
	 * @param serviceId the service
	 */
	void retried(String serviceId);

	/**
	 * Count an instance ejected after failures.
	 * @param serviceId the service
	 */
	void ejected(String serviceId);

}
