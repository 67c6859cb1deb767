package dev.phanes.discovery;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ManagementMetadataAutoConfiguration}: with Actuator, the registrations
 * carry the management metadata once the servers have started, and the user's entries
 * win.
 */
class ManagementMetadataAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ManagementMetadataAutoConfiguration.class))
		.withUserConfiguration(Registrations.class);

	@Test
	void putsTheManagementPortAndPathInTheRegistrationsWhenTheServersStart() {
		this.contextRunner
			.withPropertyValues("server.port=0", "management.server.port=0",
					"management.endpoints.web.base-path=/manage")
			.run((context) -> {
				assertThat(context).hasSingleBean(ManagementMetadataPublisher.class);
				serverStarted(context, null, 8080);
				serverStarted(context, "management", 9090);
				assertThat(context.getBean(MdnsRegistration.class).getMetadata()).containsExactly(
						Map.entry("zone", "a"), Map.entry("management.context-path", "/manage"),
						Map.entry("management.port", "9090"));
			});
	}

	@Test
	void putsTheApplicationsBasePathInTheRegistrationsOnTheApplicationsPort() {
		this.contextRunner.withPropertyValues("spring.webflux.base-path=/api").run((context) -> {
			serverStarted(context, null, 8080);
			assertThat(context.getBean(MdnsRegistration.class).getMetadata()).containsEntry("management.context-path",
					"/api/actuator");
		});
	}

	@Test
	void keepsWhatTheUserPutInTheMetadata() {
		this.contextRunner.withUserConfiguration(UserMetadata.class)
			.withPropertyValues("server.port=0", "management.server.port=0")
			.run((context) -> {
				serverStarted(context, null, 8080);
				serverStarted(context, "management", 9090);
				assertThat(context.getBean(MdnsRegistration.class).getMetadata())
					.containsEntry("management.context-path", "/custom")
					.containsEntry("management.port", "8443");
			});
	}

	@Test
	void needsActuator() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ManagementMetadataAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).doesNotHaveBean(ManagementMetadataPublisher.class));
	}

	@Test
	void isOffWithDiscovery() {
		this.contextRunner.withPropertyValues("phanes.discovery.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ManagementMetadataPublisher.class));
		this.contextRunner.withPropertyValues("spring.cloud.discovery.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ManagementMetadataPublisher.class));
	}

	/**
	 * Tell the context that a server has started, as Boot does: the management server's
	 * event comes from its child context, whose server namespace is {@code management}.
	 */
	private static void serverStarted(ApplicationContext context, @Nullable String namespace, int port) {
		ReactiveWebServerApplicationContext source = new ReactiveWebServerApplicationContext();
		source.setServerNamespace(namespace);
		context.publishEvent(new ReactiveWebServerInitializedEvent(new FixedPortWebServer(port), source));
	}

	@Configuration(proxyBeanMethods = false)
	static class Registrations {

		@Bean
		MdnsRegistration mdnsRegistration(ApplicationContext context) {
			Map<String, String> metadata = new LinkedHashMap<>(Map.of("zone", "a"));
			context.getBeanProvider(UserMetadata.class).ifAvailable((user) -> metadata.putAll(user.metadata));
			return new MdnsRegistration("inventory", "inventory-1", "127.0.0.1", 0, false, metadata);
		}

	}

	static class UserMetadata {

		final Map<String, String> metadata = Map.of("management.context-path", "/custom", "management.port", "8443");

	}

	private record FixedPortWebServer(int port) implements WebServer {

		@Override
		public void start() {
		}

		@Override
		public void stop() {
		}

		@Override
		public int getPort() {
			return this.port;
		}

	}

}
