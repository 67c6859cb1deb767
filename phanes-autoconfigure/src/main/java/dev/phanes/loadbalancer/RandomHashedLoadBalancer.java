package dev.phanes.loadbalancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.cloud.client.loadbalancer.RetryableRequestContext;
import org.springframework.cloud.loadbalancer.core.NoopServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.SelectedInstanceCallback;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.util.function.SingletonSupplier;

/**
 * go-micro's selector for Spring Cloud LoadBalancer: a request with a hash key goes to
 * the instance {@link RendezvousHash rendezvous hashing} gives that key; one without goes
 * to an instance chosen uniformly at random. Instances that failed recently are avoided
 * while others remain.
 * <p>
 * Only the choice is made here: the instance list comes from the client's
 * {@link ServiceInstanceListSupplier} chain (discovery, caching, health checks, zone
 * preference, retry awareness), which stays as configured. As a
 * {@link LoadBalancerLifecycle} it learns of failed requests (an exception, or a response
 * status configured as a failure) and avoids their instance. Thread-safe and lock-free:
 * the random source is called without a shared lock.
 */
public class RandomHashedLoadBalancer
		implements ReactorServiceInstanceLoadBalancer, LoadBalancerLifecycle<Object, Object, ServiceInstance> {

	private final SingletonSupplier<ServiceInstanceListSupplier> supplier;

	private volatile HashedInstances hashed = new HashedInstances(List.of(), new long[0]);

	private final String serviceId;

	private final HashKeyResolver keyResolver;

	private final AvoidedInstances avoided;

	private final RandomGenerator random;

	private final Set<Integer> failureStatuses;

	private final LoadBalancerMetrics metrics;

	private final ObservationRegistry observations;

	private final LoadBalancerObservationConvention convention = new DefaultLoadBalancerObservationConvention();

	/**
	 * Create a balancer.
	 * @param suppliers the client's instance list supplier
	 * @param serviceId the service balanced
	 * @param keyResolver finds the hash key of a request
	 * @param avoided the instances to avoid
	 * @param random the random source of keyless choices; it must be safe to call from
	 * several threads
	 * @param failureStatuses the HTTP statuses that count as a failure of the instance
	 */
	public RandomHashedLoadBalancer(ObjectProvider<ServiceInstanceListSupplier> suppliers, String serviceId,
			HashKeyResolver keyResolver, AvoidedInstances avoided, RandomGenerator random,
			Set<Integer> failureStatuses) {
		this(suppliers, serviceId, keyResolver, avoided, random, failureStatuses, LoadBalancerMetrics.NONE);
	}

	/**
	 * Create a balancer that reports retries and avoided instances.
	 * @param suppliers the client's instance list supplier
	 * @param serviceId the service balanced
	 * @param keyResolver finds the hash key of a request
	 * @param avoided the instances to avoid
	 * @param random the random source of keyless choices; it must be safe to call from
	 * several threads
	 * @param failureStatuses the HTTP statuses that count as a failure of the instance
	 * @param metrics where retries and avoided instances are reported
	 */
	public RandomHashedLoadBalancer(ObjectProvider<ServiceInstanceListSupplier> suppliers, String serviceId,
			HashKeyResolver keyResolver, AvoidedInstances avoided, RandomGenerator random, Set<Integer> failureStatuses,
			LoadBalancerMetrics metrics) {
		this(suppliers, serviceId, keyResolver, avoided, random, failureStatuses, metrics, ObservationRegistry.NOOP);
	}

	/**
	 * Create a balancer that reports retries and avoided instances and observes each
	 * choice ({@code phanes.loadbalancer.choice}).
	 * @param suppliers the client's instance list supplier
	 * @param serviceId the service balanced
	 * @param keyResolver finds the hash key of a request
	 * @param avoided the instances to avoid
	 * @param random the random source of keyless choices; it must be safe to call from
	 * several threads
	 * @param failureStatuses the HTTP statuses that count as a failure of the instance
	 * @param metrics where retries and avoided instances are reported
	 * @param observations where choices are observed
	 */
	public RandomHashedLoadBalancer(ObjectProvider<ServiceInstanceListSupplier> suppliers, String serviceId,
			HashKeyResolver keyResolver, AvoidedInstances avoided, RandomGenerator random, Set<Integer> failureStatuses,
			LoadBalancerMetrics metrics, ObservationRegistry observations) {
		this.observations = observations;
		this.supplier = SingletonSupplier
			.of(() -> suppliers.getIfAvailable(() -> new NoopServiceInstanceListSupplier()));
		this.serviceId = serviceId;
		this.keyResolver = keyResolver;
		this.avoided = avoided;
		this.random = random;
		this.failureStatuses = Set.copyOf(failureStatuses);
		this.metrics = metrics;
		metrics.watch(serviceId, avoided);
	}

	@Override
	@SuppressWarnings("rawtypes")
	public Mono<Response<ServiceInstance>> choose(Request request) {
		ServiceInstanceListSupplier supplier = this.supplier.obtain();
		String key = this.keyResolver.resolve(request);
		// Counted here, not in onStartRequest: Spring Cloud records the chosen instance
		// as
		// the "previous" one before onStartRequest, so there every request looks retried.
		boolean retry = request.getContext() instanceof RetryableRequestContext context
				&& context.getPreviousServiceInstance() != null;
		if (retry) {
			this.metrics.retried(this.serviceId);
		}
		if (this.observations.isNoop()) {
			return supplier.get(request).next().map((instances) -> chosen(supplier, choose(instances, key)));
		}
		return Mono.deferContextual((reactorContext) -> {
			// The HTTP client's observation travels in the Reactor context, not on this
			// thread.
			Observation parent = reactorContext.getOrDefault(ObservationThreadLocalAccessor.KEY,
					this.observations.getCurrentObservation());
			return supplier.get(request).next().map((instances) -> {
				LoadBalancerObservationContext observed = new LoadBalancerObservationContext(this.serviceId,
						key != null, retry);
				return Observation.createNotStarted(null, this.convention, () -> observed, this.observations)
					.parentObservation(parent)
					.observe(() -> {
						Response<ServiceInstance> response = choose(instances, key);
						observed.setChosen(response.hasServer());
						return chosen(supplier, response);
					});
			});
		});
	}

	private static Response<ServiceInstance> chosen(ServiceInstanceListSupplier supplier,
			Response<ServiceInstance> response) {
		if (response.hasServer() && supplier instanceof SelectedInstanceCallback callback) {
			callback.selectedServiceInstance(response.getServer());
		}
		return response;
	}

	/**
	 * Choose among instances.
	 * @param instances the instances of the service
	 * @param key the hash key, or {@code null} for a random choice
	 * @return the chosen instance, or an empty response if there is none
	 */
	public Response<ServiceInstance> choose(List<ServiceInstance> instances, @Nullable String key) {
		if (instances.isEmpty()) {
			return new EmptyResponse();
		}
		List<ServiceInstance> candidates = this.avoided.isEmpty() ? instances : withoutAvoided(instances);
		int index = (key != null) ? RendezvousHash.choose(RendezvousHash.keyHash(key), hashes(candidates))
				: this.random.nextInt(candidates.size());
		return new DefaultResponse(candidates.get(index));
	}

	/**
	 * The hashes of an instance list's identities, kept while the supplier hands out the
	 * same list (its cache does until discovery changes).
	 */
	private long[] hashes(List<ServiceInstance> instances) {
		HashedInstances current = this.hashed;
		if (current.instances != instances) {
			current = new HashedInstances(instances, RendezvousHash.instanceHashes(instances));
			this.hashed = current;
		}
		return current.hashes;
	}

	/**
	 * The service this balancer chooses instances of.
	 * @return the service id
	 */
	public String getServiceId() {
		return this.serviceId;
	}

	/**
	 * The instances avoided after failures.
	 * @return the avoided instances
	 */
	public AvoidedInstances getAvoided() {
		return this.avoided;
	}

	private List<ServiceInstance> withoutAvoided(List<ServiceInstance> instances) {
		List<ServiceInstance> healthy = new ArrayList<>(instances.size());
		for (ServiceInstance instance : instances) {
			if (!this.avoided.isAvoided(instance)) {
				healthy.add(instance);
			}
		}
		// With every instance avoided, trying one beats failing without a try.
		return healthy.isEmpty() ? instances : healthy;
	}

	private record HashedInstances(List<ServiceInstance> instances, long[] hashes) {

	}

	@Override
	public boolean supports(Class requestContextClass, Class responseClass, Class serverTypeClass) {
		return ServiceInstance.class.isAssignableFrom(serverTypeClass);
	}

	@Override
	public void onStart(Request<Object> request) {
		// Nothing to do before the choice.
	}

	@Override
	public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {
		// Retries are counted when the instance is chosen.
	}

	@Override
	public void onComplete(CompletionContext<Object, ServiceInstance, Object> completionContext) {
		Response<ServiceInstance> response = completionContext.getLoadBalancerResponse();
		if (response == null || !response.hasServer()) {
			return;
		}
		if (this.avoided.isEnabled() && (completionContext.status() == CompletionContext.Status.FAILED
				|| isFailureStatus(completionContext))) {
			this.avoided.avoid(response.getServer());
			this.metrics.avoided(this.serviceId, response.getServer());
		}
	}

	private boolean isFailureStatus(CompletionContext<Object, ServiceInstance, Object> completionContext) {
		return completionContext.getClientResponse() instanceof ResponseData data && data.getHttpStatus() != null
				&& this.failureStatuses.contains(data.getHttpStatus().value());
	}

}
