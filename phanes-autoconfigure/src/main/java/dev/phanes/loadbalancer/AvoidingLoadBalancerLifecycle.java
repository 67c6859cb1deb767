package dev.phanes.loadbalancer;

import java.util.Set;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;

/**
 * Learns of failed requests from Spring Cloud LoadBalancer (an exception, such as a
 * refused connection or a timeout, or a response status configured as a failure) and sets
 * their instance aside in {@link AvoidedInstances}, which an
 * {@link AvoidingServiceInstanceListSupplier} then leaves out. A successful request
 * changes nothing: an avoided instance comes back when its time is up. Thread-safe.
 */
public class AvoidingLoadBalancerLifecycle implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {

	private final String serviceId;

	private final AvoidedInstances avoided;

	private final Set<Integer> failureStatuses;

	private final LoadBalancerMetrics metrics;

	/**
	 * Create a lifecycle.
	 * @param serviceId the service whose requests are followed
	 * @param avoided where failed instances are set aside
	 * @param failureStatuses the HTTP statuses that count as a failure of the instance
	 * @param metrics where each instance set aside is counted
	 */
	public AvoidingLoadBalancerLifecycle(String serviceId, AvoidedInstances avoided, Set<Integer> failureStatuses,
			LoadBalancerMetrics metrics) {
		this.serviceId = serviceId;
		this.avoided = avoided;
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
		if (response == null || !response.hasServer() || !this.avoided.isEnabled()) {
			return;
		}
		if (completionContext.status() == CompletionContext.Status.FAILED || isFailureStatus(completionContext)) {
			this.avoided.avoid(response.getServer());
			this.metrics.avoided(this.serviceId, response.getServer());
		}
	}

	private boolean isFailureStatus(CompletionContext<Object, ServiceInstance, Object> completionContext) {
		return completionContext.getClientResponse() instanceof ResponseData data && data.getHttpStatus() != null
				&& this.failureStatuses.contains(data.getHttpStatus().value());
	}

}
