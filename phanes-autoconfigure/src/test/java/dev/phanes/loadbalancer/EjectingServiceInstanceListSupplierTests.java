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
 * Instances ejected by {@link OutlierEjection} are left out of the lists that
 * {@link EjectingServiceInstanceListSupplier} supplies, so that the
 * {@link RandomHashedLoadBalancer} chooses among the others until their time is up, and
 * the keys of the healthy instances stay where they were.
 */
class EjectingServiceInstanceListSupplierTests {

	private final MutableClock clock = new MutableClock();

	private final OutlierEjection ejection = new OutlierEjection("svc", 1, Duration.ofSeconds(30),
			Duration.ofMinutes(5), 50, this.clock);

	@Test
	void ejectedInstancesAreNotChosenUntilTheirTimeIsUp() {
		List<ServiceInstance> instances = instances(3);
		RandomHashedLoadBalancer balancer = balancer(instances);
		this.ejection.failure(RendezvousHash.identity(instances.get(0)));
		for (int i = 0; i < 1_000; i++) {
			assertThat(balancer.choose(request(null)).block().getServer()).isNotSameAs(instances.get(0));
			assertThat(balancer.choose(request("k" + i)).block().getServer()).isNotSameAs(instances.get(0));
		}
		assertThat(this.ejection.ejectedCount()).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(this.ejection.ejectedCount()).isZero();
		assertThat(this.ejection.isEjected(RendezvousHash.identity(instances.get(0)))).isFalse();
		List<ServiceInstance> chosen = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			chosen.add(balancer.choose(request("k" + i)).block().getServer());
		}
		assertThat(chosen).as("back once its time is up").contains(instances.get(0));
	}

	@Test
	void whenEveryInstanceFailsTheCapKeepsMostIn() {
		List<ServiceInstance> instances = instances(4);
		instances.forEach((instance) -> this.ejection.failure(RendezvousHash.identity(instance)));
		assertThat(supplier(instances).get(new DefaultRequest<>()).blockFirst())
			.as("one at a time until the service's size is known")
			.hasSize(3);
		for (int round = 0; round < 3; round++) {
			instances.forEach((instance) -> this.ejection.failure(RendezvousHash.identity(instance)));
			assertThat(supplier(instances).get(new DefaultRequest<>()).blockFirst()).as("50 %% of 4 at most")
				.hasSize(2);
		}
		assertThat(this.ejection.ejectedCount()).isEqualTo(2);
		assertThat(balancer(instances).choose(request(null)).block().hasServer()).isTrue();
		List<ServiceInstance> two = instances.subList(0, 2);
		assertThat(supplier(two).get(new DefaultRequest<>()).blockFirst()).as("a list that shrank keeps its share")
			.hasSize(1);
	}

	@Test
	void keysOfHealthyInstancesStayWhileAnotherIsEjected() {
		List<ServiceInstance> instances = instances(5);
		RandomHashedLoadBalancer balancer = balancer(instances);
		List<ServiceInstance> before = new ArrayList<>();
		for (int i = 0; i < 1_000; i++) {
			before.add(balancer.choose(request("user-" + i)).block().getServer());
		}
		this.ejection.failure(RendezvousHash.identity(instances.get(2)));
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
	void handsOutTheDelegatesListUnchangedWhileNothingFails() {
		List<ServiceInstance> instances = instances(3);
		EjectingServiceInstanceListSupplier supplier = supplier(instances);
		assertThat(supplier.get(new DefaultRequest<>()).blockFirst()).isSameAs(instances);
		assertThat(supplier.get().blockFirst()).isSameAs(instances);
	}

	@Test
	void filtersTheListsOfASubscriptionThatLasts() {
		List<ServiceInstance> instances = instances(3);
		this.ejection.failure(RendezvousHash.identity(instances.get(1)));
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
			.balancer(new EjectingServiceInstanceListSupplier(new Remembering(), this.ejection),
					new SplittableRandom(1))
			.choose(request("user-1"))
			.block()
			.getServer();
		assertThat(selected).containsExactly(chosen);
	}

	@Test
	void aZeroBaseTimeEjectsNothing() {
		OutlierEjection never = new OutlierEjection("svc", 1, Duration.ZERO, Duration.ZERO, 50, this.clock);
		never.failure(RendezvousHash.identity(instances(1).get(0)));
		assertThat(never.isEnabled()).isFalse();
		assertThat(never.states()).isEmpty();
	}

	private EjectingServiceInstanceListSupplier supplier(List<ServiceInstance> instances) {
		return new EjectingServiceInstanceListSupplier(new FixedSupplier(instances), this.ejection);
	}

	private RandomHashedLoadBalancer balancer(List<ServiceInstance> instances) {
		return RandomHashedLoadBalancerTests.balancer(supplier(instances), new SplittableRandom(1));
	}

}
