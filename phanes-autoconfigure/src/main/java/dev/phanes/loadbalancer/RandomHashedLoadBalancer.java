package dev.phanes.loadbalancer;

import java.util.List;
import java.util.random.RandomGenerator;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.RetryableRequestContext;
import org.springframework.cloud.loadbalancer.core.NoopServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.SelectedInstanceCallback;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.util.function.SingletonSupplier;

/**
 * go-micro's selector for Spring Cloud LoadBalancer: a request with a hash key goes to
 * the instance {@link RendezvousHash rendezvous hashing} gives that key; one without goes
 * to an instance chosen uniformly at random.
 * <p>
 * Only the choice is made here: the instance list comes from the client's
 * {@link ServiceInstanceListSupplier} chain (discovery, caching, health checks, zone
 * preference, retry awareness, and the {@link AvoidingServiceInstanceListSupplier} that
 * leaves out instances that failed recently), which stays as configured. Thread-safe and
 * lock-free: the random source is called without a shared lock.
 */
public class RandomHashedLoadBalancer implements ReactorServiceInstanceLoadBalancer {

	private final SingletonSupplier<ServiceInstanceListSupplier> supplier;

	private volatile HashedInstances hashed = new HashedInstances(List.of(), new long[0]);

	private final String serviceId;

	private final HashKeyResolver keyResolver;

	private final RandomGenerator random;

	private final LoadBalancerMetrics metrics;

	private final ObservationRegistry observations;

	private final LoadBalancerObservationConvention convention = new DefaultLoadBalancerObservationConvention();

	/**
	 * Create a balancer that counts retries and observes each choice
	 * ({@code phanes.loadbalancer.choice}).
	 * @param suppliers the client's instance list supplier
	 * @param serviceId the service balanced
	 * @param keyResolver finds the hash key of a request
	 * @param random the random source of keyless choices; it must be safe to call from
	 * several threads
	 * @param metrics where retries are counted ({@link LoadBalancerMetrics#NONE} for
	 * nowhere)
	 * @param observations where choices are observed ({@link ObservationRegistry#NOOP}
	 * for nowhere)
	 */
	public RandomHashedLoadBalancer(ObjectProvider<ServiceInstanceListSupplier> suppliers, String serviceId,
			HashKeyResolver keyResolver, RandomGenerator random, LoadBalancerMetrics metrics,
			ObservationRegistry observations) {
		this.supplier = SingletonSupplier
			.of(() -> suppliers.getIfAvailable(() -> new NoopServiceInstanceListSupplier()));
		this.serviceId = serviceId;
		this.keyResolver = keyResolver;
		this.random = random;
		this.metrics = metrics;
		this.observations = observations;
	}

	@Override
	@SuppressWarnings("rawtypes")
	public Mono<Response<ServiceInstance>> choose(Request request) {
		ServiceInstanceListSupplier supplier = this.supplier.obtain();
		String key = this.keyResolver.resolve(request);
		// Counted here, not in a lifecycle's onStartRequest: Spring Cloud records the
		// chosen instance as the "previous" one before it, so there every request looks
		// retried.
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
		int index = (key != null) ? RendezvousHash.choose(RendezvousHash.keyHash(key), hashes(instances))
				: this.random.nextInt(instances.size());
		return new DefaultResponse(instances.get(index));
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

	private record HashedInstances(List<ServiceInstance> instances, long[] hashes) {

	}

}
