package dev.phanes.loadbalancer;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.junit.jupiter.api.Test;

import dev.phanes.loadbalancer.RandomHashedLoadBalancerTests.FixedProvider;
import dev.phanes.loadbalancer.RandomHashedLoadBalancerTests.FixedSupplier;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.RetryableRequestContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each choice of {@link RandomHashedLoadBalancer} is observed as
 * {@code phanes.loadbalancer.choice} with low-cardinality tags, under the HTTP client's
 * observation.
 */
class LoadBalancerObservationTests {

	private final Queue<Observation.Context> stopped = new ConcurrentLinkedQueue<>();

	private final ObservationRegistry registry = ObservationRegistry.create();

	LoadBalancerObservationTests() {
		this.registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStop(Observation.Context context) {
				LoadBalancerObservationTests.this.stopped.add(context);
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
	}

	@Test
	void observesAHashedFirstChoice() {
		balancer(RandomHashedLoadBalancerTests.instances(3)).choose(request("user-1", null)).block();
		assertThat(tags(choice())).containsExactlyInAnyOrderEntriesOf(
				Map.of("service", "svc", "strategy", "hash", "attempt", "first", "outcome", "chosen"));
		assertThat(choice().getName()).isEqualTo("phanes.loadbalancer.choice");
		assertThat(choice().getContextualName()).isEqualTo("loadbalancer choice");
	}

	@Test
	void observesARandomRetry() {
		List<ServiceInstance> instances = RandomHashedLoadBalancerTests.instances(3);
		balancer(instances).choose(request(null, instances.get(0))).block();
		assertThat(tags(choice())).containsEntry("strategy", "random").containsEntry("attempt", "retry");
	}

	@Test
	void observesAChoiceWithoutInstances() {
		balancer(List.of()).choose(request(null, null)).block();
		assertThat(tags(choice())).containsEntry("outcome", "none");
	}

	@Test
	void isAChildOfTheObservationInTheReactorContext() {
		Observation client = Observation.start("http.client.requests", this.registry);
		balancer(RandomHashedLoadBalancerTests.instances(2)).choose(request("user-1", null))
			.contextWrite((context) -> context.put(ObservationThreadLocalAccessor.KEY, client))
			.block();
		client.stop();
		assertThat(choice().getParentObservation()).isSameAs(client);
	}

	@Test
	void observesNothingWithTheNoopRegistry() {
		new RandomHashedLoadBalancer(new FixedProvider(new FixedSupplier(RandomHashedLoadBalancerTests.instances(2))),
				"svc", new RequestDataHashKeyResolver("X-User-Id", null, null), new SplittableRandom(1),
				LoadBalancerMetrics.NONE, ObservationRegistry.NOOP)
			.choose(request(null, null))
			.block();
		assertThat(this.stopped).isEmpty();
	}

	private Observation.Context choice() {
		return this.stopped.stream()
			.filter(LoadBalancerObservationContext.class::isInstance)
			.findFirst()
			.orElseThrow(() -> new AssertionError("No load-balancer choice observed: " + this.stopped));
	}

	private static Map<String, String> tags(Observation.Context context) {
		return context.getLowCardinalityKeyValues()
			.stream()
			.collect(java.util.stream.Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
	}

	private RandomHashedLoadBalancer balancer(List<ServiceInstance> instances) {
		return new RandomHashedLoadBalancer(new FixedProvider(new FixedSupplier(instances)), "svc",
				new RequestDataHashKeyResolver("X-User-Id", null, null), new SplittableRandom(1),
				LoadBalancerMetrics.NONE, this.registry);
	}

	private static Request<RequestDataContext> request(String user, ServiceInstance previous) {
		HttpHeaders headers = new HttpHeaders();
		if (user != null) {
			headers.add("X-User-Id", user);
		}
		RequestData data = new RequestData(HttpMethod.GET, URI.create("http://svc/a"), headers,
				new LinkedMultiValueMap<>(), Map.of());
		return new DefaultRequest<>(
				(previous != null) ? new RetryableRequestContext(previous, data) : new RequestDataContext(data));
	}

}
