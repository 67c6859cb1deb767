package dev.phanes.loadbalancer;

import java.util.concurrent.CancellationException;

import java.util.Set;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;

/**
 * Tells a service's {@link OutlierEjection} how each request through Spring Cloud
 * LoadBalancer ended: a failure is an exception (a refused connection, a timeout) or a
 * response status configured as a failure; anything else is a success. The
 * {@link EjectingServiceInstanceListSupplier} then leaves out the instances ejected.
 * Thread-safe.
 */
public class OutlierEjectionLifecycle implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {

	private final OutlierEjection ejection;

	private final Set<Integer> failureStatuses;

	private final LoadBalancerMetrics metrics;

	/**
	 * Create a lifecycle.
	 * @param ejection the outlier detection of the service whose requests are followed
	 * @param failureStatuses the HTTP statuses that count as a failure of the instance
	 * @param metrics where each ejection is counted
	 */
	public OutlierEjectionLifecycle(OutlierEjection ejection, Set<Integer> failureStatuses,
			LoadBalancerMetrics metrics) {
		this.ejection = ejection;
		this.failureStatuses = Set.copyOf(failureStatuses);
		this.metrics = metrics;
	}

	@Override
	@SuppressWarnings("rawtypes")
	public boolean supports(Class requestContextClass, Class responseClass, Class serverTypeClass) {
		return ServiceInstance.class.isAssignableFrom(serverTypeClass);
	}

	@Override
	public void onStart(Request<Object> request) {
		// Nothing to do before the choice.
	}

	@Override
	public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {
		// Nothing to do before the call.
	}

	@Override
	public void onComplete(CompletionContext<Object, ServiceInstance, Object> completionContext) {
		Response<ServiceInstance> response = completionContext.getLoadBalancerResponse();
		if (response == null || !response.hasServer() || !this.ejection.isEnabled()
				|| completionContext.status() == CompletionContext.Status.DISCARD
				// the caller went away: nothing is known of the instance
				|| completionContext.getThrowable() instanceof CancellationException) {
			return;
		}
		String instance = RendezvousHash.identity(response.getServer());
		if (completionContext.status() == CompletionContext.Status.FAILED || isFailureStatus(completionContext)) {
			if (this.ejection.failure(instance)) {
				this.metrics.ejected(this.ejection.getServiceId());
			}
		}
		else {
			this.ejection.success(instance);
		}
	}

	private boolean isFailureStatus(CompletionContext<Object, ServiceInstance, Object> completionContext) {
		return completionContext.getClientResponse() instanceof ResponseData data && data.getHttpStatus() != null
				&& this.failureStatuses.contains(data.getHttpStatus().value());
	}

}
