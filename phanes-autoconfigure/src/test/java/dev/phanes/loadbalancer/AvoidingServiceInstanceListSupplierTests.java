package dev.phanes.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import dev.phanes.loadbalancer.RandomHashedLoadBalancerTests.FixedSupplier;
import dev.phanes.test.MutableClock;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.loadbalancer.core.SelectedInstanceCallback;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

import static dev.phanes.loadbalancer.RandomHashedLoadBalancerTests.instances;
import static dev.phanes.loadbalancer.RandomHashedLoadBalancerTests.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed instances set aside by {@link AvoidedInstances} are left out of the lists that
 * {@link AvoidingServiceInstanceListSupplier} supplies, so that the
 * {@link RandomHashedLoadBalancer} chooses among the others until their time is up, and
 * the keys of the healthy instances stay where they were.
 */
class AvoidingServiceInstanceListSupplierTests {

	private final MutableClock clock = new MutableClock();

	private final AvoidedInstances avoided = new AvoidedInstances(Duration.ofSeconds(30), this.clock);

	@Test
	void avoidedInstancesAreNotChosenUntilTheirTimeIsUp() {
		List<ServiceInstance> instances = instances(3);
		RandomHashedLoadBalancer balancer = balancer(instances);
		this.avoided.avoid(instances.get(0));
		for (int i = 0; i < 1_000; i++) {
			assertThat(balancer.choose(request(null)).block().getServer()).isNotSameAs(instances.get(0));
			assertThat(balancer.choose(request("k" + i)).block().getServer()).isNotSameAs(instances.get(0));
		}
		assertThat(this.avoided.size()).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(this.avoided.size()).isZero();
		assertThat(this.avoided.isAvoided(instances.get(0))).isFalse();
		assertThat(this.avoided.isEmpty()).isTrue();
		List<ServiceInstance> chosen = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			chosen.add(balancer.choose(request("k" + i)).block().getServer());
		}
		assertThat(chosen).as("back once its time is up").contains(instances.get(0));
	}

	@Test
	void whenEveryInstanceIsAvoidedOneIsStillChosen() {
		List<ServiceInstance> instances = instances(2);
		instances.forEach(this.avoided::avoid);
		assertThat(balancer(instances).choose(request(null)).block().hasServer()).isTrue();
		assertThat(supplier(instances).get(new DefaultRequest<>()).blockFirst()).isEqualTo(instances);
	}

	@Test
	void keysOfHealthyInstancesStayWhileAnotherIsAvoided() {
		List<ServiceInstance> instances = instances(5);
		RandomHashedLoadBalancer balancer = balancer(instances);
		List<ServiceInstance> before = new ArrayList<>();
		for (int i = 0; i < 1_000; i++) {
			before.add(balancer.choose(request("user-" + i)).block().getServer());
		}
		this.avoided.avoid(instances.get(2));
		for (int i = 0; i < 1_000; i++) {
			ServiceInstance now = balancer.choose(request("user-" + i)).block().getServer();
			if (before.get(i) != instances.get(2)) {
				assertThat(now).as("a healthy instance keeps its keys").isSameAs(before.get(i));
			}
			else {
				assertThat(now).isNotSameAs(instances.get(2));
			}
		}
	}

	@Test
	void handsOutTheDelegatesListUnchangedWhileNothingIsAvoided() {
		List<ServiceInstance> instances = instances(3);
		AvoidingServiceInstanceListSupplier supplier = supplier(instances);
		assertThat(supplier.get(new DefaultRequest<>()).blockFirst()).isSameAs(instances);
		assertThat(supplier.get().blockFirst()).isSameAs(instances);
	}

	@Test
	void filtersTheListsOfASubscriptionThatLasts() {
		List<ServiceInstance> instances = instances(3);
		this.avoided.avoid(instances.get(1));
		assertThat(supplier(instances).get().blockFirst()).containsExactly(instances.get(0), instances.get(2));
	}

	@Test
	void passesTheSelectedInstanceOnToItsDelegate() {
		List<ServiceInstance> selected = new ArrayList<>();
		List<ServiceInstance> instances = instances(3);
		class Remembering implements ServiceInstanceListSupplier, SelectedInstanceCallback {

			@Override
			public String getServiceId() {
				return "svc";
			}

			@Override
			public Flux<List<ServiceInstance>> get() {
				return Flux.just(instances);
			}

			@Override
			public void selectedServiceInstance(ServiceInstance serviceInstance) {
				selected.add(serviceInstance);
			}

		}
		ServiceInstance chosen = RandomHashedLoadBalancerTests
			.balancer(new AvoidingServiceInstanceListSupplier(new Remembering(), this.avoided), new SplittableRandom(1))
			.choose(request("user-1"))
			.block()
			.getServer();
		assertThat(selected).containsExactly(chosen);
	}

	@Test
	void anInstanceThatLeftIsForgottenOnceItsTimeIsUp() {
		this.avoided.avoid(instances(5).get(4));
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(this.avoided.isEmpty()).isTrue();
	}

	@Test
	void aZeroDurationAvoidsNothing() {
		AvoidedInstances never = new AvoidedInstances(Duration.ZERO, this.clock);
		never.avoid(instances(1).get(0));
		assertThat(never.isEnabled()).isFalse();
		assertThat(never.isEmpty()).isTrue();
	}

	private AvoidingServiceInstanceListSupplier supplier(List<ServiceInstance> instances) {
		return new AvoidingServiceInstanceListSupplier(new FixedSupplier(instances), this.avoided);
	}

	private RandomHashedLoadBalancer balancer(List<ServiceInstance> instances) {
		return RandomHashedLoadBalancerTests.balancer(supplier(instances), new SplittableRandom(1));
	}

}
