package dev.phanes.dashboard;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.web.reactive.function.server.RouterFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DashboardAutoConfiguration}.
 */
class DashboardAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DashboardAutoConfiguration.class))
		.withBean(ReactiveDiscoveryClient.class, Discovery::new);

	@Test
	void servesNothingByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(ServiceDirectory.class);
			assertThat(context).doesNotHaveBean(RouterFunction.class).doesNotHaveBean(DashboardProtection.class);
		});
	}

	@Test
	void refusesToStartThePageUnprotected() {
		this.contextRunner.withPropertyValues("phanes.dashboard.enabled=true")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("nothing protects it")
				.hasMessageContaining("phanes.auth.enabled=true")
				.hasMessageContaining("phanes.dashboard.allow-unprotected=true"));
	}

	@Test
	void startsThePageWhenAllowedUnprotectedOrProtected() {
		this.contextRunner
			.withPropertyValues("phanes.dashboard.enabled=true", "phanes.dashboard.allow-unprotected=true")
			.run((context) -> assertThat(context).hasNotFailed().getBeans(RouterFunction.class).hasSize(2));
		this.contextRunner.withPropertyValues("phanes.dashboard.enabled=true")
			.withBean("securityWebFilterChain", org.springframework.security.web.server.WebFilterChainProxy.class,
					() -> new org.springframework.security.web.server.WebFilterChainProxy(List.of()))
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(DashboardProtection.class));
	}

	@Test
	void servesTheCatalogAloneWhenAskedTo() {
		this.contextRunner.withPropertyValues("phanes.dashboard.catalog.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(DashboardProtection.class)
				.getBeans(RouterFunction.class)
				.containsOnlyKeys("phanesCatalogRoute"));
	}

	@Test
	void findsAnInstancesActuatorTheWaySpringBootAdminDoes() {
		ServiceInstance plain = new DefaultServiceInstance("a", "notes", "10.0.0.5", 8080, false);
		assertThat(ServiceDirectory.management(plain)).hasToString("http://10.0.0.5:8080/actuator");
		ServiceInstance own = new DefaultServiceInstance("b", "notes", "10.0.0.5", 8080, false,
				Map.of("management.port", "9090", "management.context-path", "/manage"));
		assertThat(ServiceDirectory.management(own)).hasToString("http://10.0.0.5:9090/manage");
		ServiceInstance malformed = new DefaultServiceInstance("c", "notes", "10.0.0.5", 8080, true,
				Map.of("management.port", "ninety"));
		assertThat(ServiceDirectory.management(malformed)).hasToString("https://10.0.0.5:8080/actuator");
	}

	static class Discovery implements ReactiveDiscoveryClient {

		@Override
		public String description() {
			return "test";
		}

		@Override
		public Flux<ServiceInstance> getInstances(String serviceId) {
			return Flux.empty();
		}

		@Override
		public Flux<String> getServices() {
			return Flux.empty();
		}

	}

}
