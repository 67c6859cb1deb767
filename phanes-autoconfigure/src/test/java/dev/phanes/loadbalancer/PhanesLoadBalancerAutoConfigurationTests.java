package dev.phanes.loadbalancer;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClient;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.config.LoadBalancerCacheAutoConfiguration;
import org.springframework.cloud.loadbalancer.core.RandomLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PhanesLoadBalancerAutoConfiguration} inside Spring Cloud
 * LoadBalancer's own client contexts, over the simple discovery client.
 */
class PhanesLoadBalancerAutoConfigurationTests {

	private static final String ONE_FAILURE_EJECTS = "phanes.loadbalancer.outlier.consecutive-failures=1";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(PhanesLoadBalancerAutoConfiguration.class, LoadBalancerAutoConfiguration.class,
						SimpleDiscoveryClientAutoConfiguration.class, UtilAutoConfiguration.class))
		.withPropertyValues("spring.cloud.discovery.client.simple.instances.inventory[0].uri=http://127.0.0.1:8081",
				"spring.cloud.discovery.client.simple.instances.inventory[1].uri=http://127.0.0.1:8082",
				"spring.cloud.discovery.client.simple.instances.inventory[2].uri=http://127.0.0.1:8083");

	@Test
	void failsOnAnInvalidValueNamingThePropertyAndWhatItMustBe() {
		this.contextRunner.withPropertyValues("phanes.loadbalancer.response-timeout=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("phanes.loadbalancer")
				.hasStackTraceContaining("'responseTimeout'")
				.hasStackTraceContaining("must be a positive duration"));
	}

	@Test
	void isTheDefaultBalancerOfEveryClient() {
		this.contextRunner.run((context) -> {
			LoadBalancerClientFactory clients = context.getBean(LoadBalancerClientFactory.class);
			ReactiveLoadBalancer<ServiceInstance> inventory = clients.getInstance("inventory");
			assertThat(inventory).isInstanceOf(RandomHashedLoadBalancer.class);
			assertThat(((RandomHashedLoadBalancer) inventory).getServiceId()).isEqualTo("inventory");
			assertThat(clients.getInstance("orders")).isInstanceOf(RandomHashedLoadBalancer.class);
			Response<ServiceInstance> response = ((RandomHashedLoadBalancer) inventory).choose(new DefaultRequest<>())
				.block();
			assertThat(response.getServer().getHost()).isEqualTo("127.0.0.1");
			assertThat(response.getServer().getPort()).isIn(8081, 8082, 8083);
		});
	}

	@Test
	void aClientsOwnBalancerWins() {
		this.contextRunner.withUserConfiguration(RandomForInventory.class).run((context) -> {
			LoadBalancerClientFactory clients = context.getBean(LoadBalancerClientFactory.class);
			assertThat(clients.getInstance("inventory")).isInstanceOf(RandomLoadBalancer.class);
			assertThat(clients.getInstance("orders")).isInstanceOf(RandomHashedLoadBalancer.class);
		});
	}

	@Test
	void bindsTheHashKeyAndOutlierProperties() {
		this.contextRunner
			.withPropertyValues("phanes.loadbalancer.hash.header=X-User-Id",
					"phanes.loadbalancer.outlier.base-ejection-time=5s", "phanes.loadbalancer.outlier.statuses=503,429")
			.run((context) -> {
				PhanesLoadBalancerProperties properties = context.getBean(PhanesLoadBalancerProperties.class);
				assertThat(properties.getHash().getHeader()).isEqualTo("X-User-Id");
				assertThat(properties.getOutlier().getBaseEjectionTime()).hasSeconds(5);
				assertThat(properties.getOutlier().getStatuses()).containsExactlyInAnyOrder(503, 429);
			});
	}

	@Test
	void setsAFailedInstanceAsideForTheNextChoices() {
		this.contextRunner.withPropertyValues(ONE_FAILURE_EJECTS).run((context) -> {
			LoadBalancerClientFactory clients = context.getBean(LoadBalancerClientFactory.class);
			assertThat(clients.getInstance("inventory", ServiceInstanceListSupplier.class))
				.isInstanceOf(EjectingServiceInstanceListSupplier.class);
			assertThat(choicesAfterAFailureOf(clients, "inventory", 8081)).isNotEmpty().doesNotContain(8081);
		});
	}

	@Test
	void setsAFailedInstanceAsideForAClientsOwnBalancerToo() {
		this.contextRunner.withPropertyValues(ONE_FAILURE_EJECTS)
			.withUserConfiguration(RandomForInventory.class)
			.run((context) -> {
				LoadBalancerClientFactory clients = context.getBean(LoadBalancerClientFactory.class);
				assertThat(clients.getInstance("inventory")).isInstanceOf(RandomLoadBalancer.class);
				assertThat(choicesAfterAFailureOf(clients, "inventory", 8082)).isNotEmpty().doesNotContain(8082);
			});
	}

	@Test
	void wrapsAClientsOwnInstanceListSupplier() {
		this.contextRunner.withPropertyValues(ONE_FAILURE_EJECTS)
			.withUserConfiguration(FixedForInventory.class)
			.run((context) -> {
				LoadBalancerClientFactory clients = context.getBean(LoadBalancerClientFactory.class);
				ServiceInstanceListSupplier supplier = clients.getInstance("inventory",
						ServiceInstanceListSupplier.class);
				assertThat(supplier).isInstanceOf(EjectingServiceInstanceListSupplier.class);
				assertThat(((EjectingServiceInstanceListSupplier) supplier).getDelegate().getServiceId())
					.isEqualTo("inventory");
				assertThat(choicesAfterAFailureOf(clients, "inventory", 9091)).isNotEmpty().containsOnly(9092);
			});
	}

	@Test
	void leavesTheInstanceListSupplierAloneWhenEjectionIsOff() {
		this.contextRunner.withPropertyValues("phanes.loadbalancer.outlier.base-ejection-time=0").run((context) -> {
			LoadBalancerClientFactory clients = context.getBean(LoadBalancerClientFactory.class);
			assertThat(clients.getInstance("inventory", ServiceInstanceListSupplier.class))
				.isNotInstanceOf(EjectingServiceInstanceListSupplier.class);
			assertThat(choicesAfterAFailureOf(clients, "inventory", 8081)).contains(8081);
		});
	}

	/**
	 * Report a failed request to one instance of a service as its HTTP client would, then
	 * let the client's balancer choose 200 times.
	 * @return the ports chosen
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static Set<Integer> choicesAfterAFailureOf(LoadBalancerClientFactory clients, String serviceId, int port) {
		ServiceInstance failed = clients.getInstance(serviceId, ServiceInstanceListSupplier.class)
			.get()
			.blockFirst()
			.stream()
			.filter((instance) -> instance.getPort() == port)
			.findFirst()
			.orElseThrow();
		clients.getInstances(serviceId, LoadBalancerLifecycle.class)
			.values()
			.forEach((lifecycle) -> lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.FAILED,
					new IllegalStateException("connection refused"), new DefaultRequest<>(),
					new DefaultResponse(failed))));
		ReactiveLoadBalancer<ServiceInstance> balancer = clients.getInstance(serviceId);
		Set<Integer> ports = new java.util.HashSet<>();
		for (int i = 0; i < 200; i++) {
			ports.add(Mono.from(balancer.choose(new DefaultRequest<>())).block().getServer().getPort());
		}
		return ports;
	}

	@Test
	void springCloudKeepsItsRoundRobinWhenDisabled() {
		this.contextRunner.withPropertyValues("phanes.loadbalancer.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(PhanesLoadBalancerProperties.class);
			assertThat(context.getBean(LoadBalancerClientFactory.class).getInstance("inventory"))
				.isInstanceOf(RoundRobinLoadBalancer.class);
		});
	}

	@Test
	void backsOffWithoutSpringCloudLoadBalancer() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PhanesLoadBalancerAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.cloud.loadbalancer"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PhanesLoadBalancerProperties.class));
	}

	@Test
	void aDiscoveryChangeReachesTheNextChoiceAtOnce() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(LoadBalancerCacheAutoConfiguration.class))
			.withUserConfiguration(MutableDiscovery.class)
			.withPropertyValues("spring.cloud.loadbalancer.cache.ttl=10m")
			.run((context) -> {
				assertThat(context).hasSingleBean(DiscoveryChangeCacheEvictor.class);
				MutableDiscovery discovery = context.getBean(MutableDiscovery.class);
				RandomHashedLoadBalancer balancer = (RandomHashedLoadBalancer) context
					.getBean(LoadBalancerClientFactory.class)
					.getInstance("live");
				discovery.instances.set(List.of(instance(9001)));
				assertThat(balancer.choose(new DefaultRequest<>()).block().getServer().getPort()).isEqualTo(9001);
				discovery.instances.set(List.of(instance(9002)));
				assertThat(balancer.choose(new DefaultRequest<>()).block().getServer().getPort())
					.as("cached for the cache's ttl")
					.isEqualTo(9001);
				context.publishEvent(new HeartbeatEvent(this, "changed"));
				assertThat(balancer.choose(new DefaultRequest<>()).block().getServer().getPort()).isEqualTo(9002);
			});
	}

	private static ServiceInstance instance(int port) {
		return new DefaultServiceInstance("live-" + port, "live", "127.0.0.1", port, false);
	}

	@Test
	void worksWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.core")).run((context) -> {
			assertThat(context).doesNotHaveBean(LoadBalancerMetrics.class);
			assertThat(context.getBean(LoadBalancerClientFactory.class).getInstance("inventory"))
				.isInstanceOf(RandomHashedLoadBalancer.class);
		});
	}

	@Test
	void defaultFailureStatusesAreEvery5xx() {
		assertThat(new PhanesLoadBalancerProperties().getOutlier().getStatuses()).hasSize(100)
			.contains(500, 502, 503, 504, 599)
			.doesNotContain(429, 499, 600);
	}

	@Configuration(proxyBeanMethods = false)
	static class MutableDiscovery {

		final AtomicReference<List<ServiceInstance>> instances = new AtomicReference<>(List.of());

		@Bean
		ReactiveDiscoveryClient liveDiscoveryClient() {
			return new ReactiveDiscoveryClient() {

				@Override
				public String description() {
					return "test";
				}

				@Override
				public Flux<ServiceInstance> getInstances(String serviceId) {
					return Flux.defer(() -> Flux.fromIterable(MutableDiscovery.this.instances.get()));
				}

				@Override
				public Flux<String> getServices() {
					return Flux.just("live");
				}

			};
		}

		@Bean
		DiscoveryClient liveBlockingDiscoveryClient() {
			return new DiscoveryClient() {

				@Override
				public String description() {
					return "test";
				}

				@Override
				public List<ServiceInstance> getInstances(String serviceId) {
					return MutableDiscovery.this.instances.get();
				}

				@Override
				public List<String> getServices() {
					return List.of("live");
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@LoadBalancerClient(name = "inventory", configuration = RandomBalancerConfiguration.class)
	static class RandomForInventory {

	}

	@Configuration(proxyBeanMethods = false)
	@LoadBalancerClient(name = "inventory", configuration = FixedSupplierConfiguration.class)
	static class FixedForInventory {

	}

	@Configuration(proxyBeanMethods = false)
	static class FixedSupplierConfiguration {

		@Bean
		ServiceInstanceListSupplier fixedInventory() {
			List<ServiceInstance> instances = List.of(
					new DefaultServiceInstance("inventory-1", "inventory", "127.0.0.1", 9091, false),
					new DefaultServiceInstance("inventory-2", "inventory", "127.0.0.1", 9092, false));
			return new ServiceInstanceListSupplier() {

				@Override
				public String getServiceId() {
					return "inventory";
				}

				@Override
				public Flux<List<ServiceInstance>> get() {
					return Flux.just(instances);
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RandomBalancerConfiguration {

		@Bean
		ReactorLoadBalancer<ServiceInstance> randomLoadBalancer(Environment environment,
				LoadBalancerClientFactory clients) {
			String name = LoadBalancerClientFactory.getName(environment);
			return new RandomLoadBalancer(clients.getLazyProvider(name, ServiceInstanceListSupplier.class), name);
		}

	}

}
