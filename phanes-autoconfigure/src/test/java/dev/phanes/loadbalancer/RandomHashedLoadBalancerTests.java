package dev.phanes.loadbalancer;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The choices of {@link RandomHashedLoadBalancer}: uniform without a key, sticky with
 * one, minimal movement when the instance set changes (ejection of failing instances is
 * tested with {@link EjectingServiceInstanceListSupplier}).
 */
class RandomHashedLoadBalancerTests {

	/**
	 * Chi-square critical values at significance 0.001 for 2 to 9 degrees of freedom.
	 */
	private static final double[] CHI_SQUARE_0_001 = { 0, 0, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124,
			27.877 };

	@ParameterizedTest
	@ValueSource(ints = { 3, 5, 10 })
	void keylessChoicesAreUniform(int size) {
		RandomHashedLoadBalancer balancer = balancer(List.of(), new SplittableRandom(42));
		assertThat(chiSquare(size, (instances, i) -> balancer.choose(instances, null)))
			.isLessThan(CHI_SQUARE_0_001[size - 1]);
	}

	@ParameterizedTest
	@ValueSource(ints = { 3, 5, 10 })
	void keysSpreadUniformly(int size) {
		RandomHashedLoadBalancer balancer = balancer(List.of(), new SplittableRandom(42));
		assertThat(chiSquare(size, (instances, i) -> balancer.choose(instances, "user-" + i)))
			.isLessThan(CHI_SQUARE_0_001[size - 1]);
	}

	@Test
	void theSameKeyGoesToTheSameInstanceWhateverTheOrder() {
		RandomHashedLoadBalancer balancer = balancer(List.of(), new SplittableRandom(42));
		List<ServiceInstance> instances = instances(5);
		List<ServiceInstance> shuffled = new ArrayList<>(instances);
		Collections.shuffle(shuffled, new Random(7));
		for (int i = 0; i < 10_000; i++) {
			String key = "user-" + i;
			ServiceInstance first = balancer.choose(instances, key).getServer();
			assertThat(balancer.choose(instances, key).getServer()).isSameAs(first);
			assertThat(balancer.choose(shuffled, key).getServer()).isSameAs(first);
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 3, 5, 10 })
	void removingOneOfNInstancesMovesOnlyItsKeys(int size) {
		RandomHashedLoadBalancer balancer = balancer(List.of(), new SplittableRandom(42));
		List<ServiceInstance> before = instances(size);
		ServiceInstance removed = before.get(1);
		List<ServiceInstance> after = new ArrayList<>(before);
		after.remove(removed);
		int keys = 100_000;
		int moved = 0;
		for (int i = 0; i < keys; i++) {
			String key = "session-" + i;
			ServiceInstance was = balancer.choose(before, key).getServer();
			ServiceInstance now = balancer.choose(after, key).getServer();
			if (was != now) {
				assertThat(was).as("only keys of the removed instance move").isSameAs(removed);
				moved++;
			}
			else {
				assertThat(was).isNotSameAs(removed);
			}
		}
		assertThat((double) moved / keys).isCloseTo(1.0 / size, org.assertj.core.data.Offset.offset(0.2 / size));
	}

	@Test
	void addingAnInstanceMovesKeysOnlyToIt() {
		RandomHashedLoadBalancer balancer = balancer(List.of(), new SplittableRandom(42));
		List<ServiceInstance> before = instances(4);
		List<ServiceInstance> after = instances(5);
		for (int i = 0; i < 20_000; i++) {
			String key = "cart-" + i;
			ServiceInstance was = balancer.choose(before, key).getServer();
			ServiceInstance now = balancer.choose(after, key).getServer();
			if (!RendezvousHash.identity(was).equals(RendezvousHash.identity(now))) {
				assertThat(RendezvousHash.identity(now)).isEqualTo("node-4");
			}
		}
	}

	@Test
	void noInstancesGiveAnEmptyResponse() {
		assertThat(balancer(List.of(), new SplittableRandom(1)).choose(List.of(), "k").hasServer()).isFalse();
	}

	@Test
	void choosesByTheHeaderOfTheRequest() {
		List<ServiceInstance> instances = instances(5);
		RandomHashedLoadBalancer balancer = balancer(instances, new SplittableRandom(1));
		for (int i = 0; i < 100; i++) {
			ServiceInstance chosen = balancer.choose(request("user-" + i)).block().getServer();
			assertThat(chosen).isSameAs(balancer.choose(instances, "user-" + i).getServer());
		}
	}

	static Request<RequestDataContext> request(@Nullable String user) {
		HttpHeaders headers = new HttpHeaders();
		if (user != null) {
			headers.add("X-User-Id", user);
		}
		return new DefaultRequest<>(new RequestDataContext(new RequestData(HttpMethod.GET, URI.create("http://svc/a"),
				headers, new LinkedMultiValueMap<>(), Map.of())));
	}

	private double chiSquare(int size, Chooser chooser) {
		List<ServiceInstance> instances = instances(size);
		Map<ServiceInstance, Integer> counts = new HashMap<>();
		int choices = 100_000;
		for (int i = 0; i < choices; i++) {
			counts.merge(chooser.choose(instances, i).getServer(), 1, Integer::sum);
		}
		assertThat(counts).hasSize(size);
		double expected = (double) choices / size;
		return counts.values().stream().mapToDouble((count) -> Math.pow(count - expected, 2) / expected).sum();
	}

	private RandomHashedLoadBalancer balancer(List<ServiceInstance> instances, RandomGenerator random) {
		return balancer(new FixedSupplier(instances), random);
	}

	static RandomHashedLoadBalancer balancer(ServiceInstanceListSupplier supplier, RandomGenerator random) {
		return new RandomHashedLoadBalancer(new FixedProvider(supplier), "svc",
				new RequestDataHashKeyResolver("X-User-Id", null, null), random, LoadBalancerMetrics.NONE,
				ObservationRegistry.NOOP);
	}

	static List<ServiceInstance> instances(int count) {
		List<ServiceInstance> instances = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			instances.add(new DefaultServiceInstance("node-" + i, "svc", "127.0.0." + (i + 1), 8080, false));
		}
		return instances;
	}

	@FunctionalInterface
	interface Chooser {

		Response<ServiceInstance> choose(List<ServiceInstance> instances, int i);

	}

	record FixedSupplier(List<ServiceInstance> instances) implements ServiceInstanceListSupplier {

		@Override
		public String getServiceId() {
			return "svc";
		}

		@Override
		public Flux<List<ServiceInstance>> get() {
			return Flux.just(this.instances);
		}

	}

	static final class FixedProvider implements ObjectProvider<ServiceInstanceListSupplier> {

		private final ServiceInstanceListSupplier supplier;

		FixedProvider(ServiceInstanceListSupplier supplier) {
			this.supplier = supplier;
		}

		@Override
		public ServiceInstanceListSupplier getObject() {
			return this.supplier;
		}

		@Override
		public ServiceInstanceListSupplier getObject(@Nullable Object... args) {
			return this.supplier;
		}

		@Override
		public ServiceInstanceListSupplier getIfAvailable() {
			return this.supplier;
		}

		@Override
		public ServiceInstanceListSupplier getIfUnique() {
			return this.supplier;
		}

	}

}
