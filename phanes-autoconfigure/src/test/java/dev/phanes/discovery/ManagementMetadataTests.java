package dev.phanes.discovery;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ManagementMetadata}: the keys Spring Boot Admin reads, computed from
 * the management settings the way Spring Boot maps the endpoints.
 */
class ManagementMetadataTests {

	private static final String HOST = "10.0.0.1";

	private final MockEnvironment environment = new MockEnvironment();

	@Test
	void publishesTheDefaultPathOnTheApplicationsPort() {
		assertThat(servlet(null)).containsExactly(Map.entry("management.context-path", "/actuator"));
		assertThat(reactive(null)).containsExactly(Map.entry("management.context-path", "/actuator"));
	}

	@Test
	void putsTheEndpointsUnderTheReactiveBasePath() {
		this.environment.withProperty("spring.webflux.base-path", "/api/")
			.withProperty("server.servlet.context-path", "/ignored")
			.withProperty("management.endpoints.web.base-path", "/manage");
		assertThat(reactive(null)).containsExactly(Map.entry("management.context-path", "/api/manage"));
	}

	@Test
	void putsTheEndpointsUnderTheServletContextPathAndTheDispatcherServletPath() {
		this.environment.withProperty("server.servlet.context-path", "/app")
			.withProperty("spring.mvc.servlet.path", "/mvc")
			.withProperty("spring.webflux.base-path", "/ignored");
		assertThat(servlet(null)).containsExactly(Map.entry("management.context-path", "/app/mvc/actuator"));
	}

	@Test
	void publishesTheRootAsASlashRatherThanAnEmptyValueThatReadsAsTheDefault() {
		this.environment.withProperty("management.endpoints.web.base-path", "/");
		assertThat(reactive(null)).containsExactly(Map.entry("management.context-path", "/"));
	}

	@Test
	void publishesThePortBoundAndTheManagementServersOwnPathOnAPortOfItsOwn() {
		this.environment.withProperty("server.port", "0")
			.withProperty("management.server.port", "0")
			.withProperty("management.server.base-path", "/ops/")
			.withProperty("management.endpoints.web.base-path", "/manage")
			.withProperty("spring.webflux.base-path", "/api");
		assertThat(reactive(45678)).containsExactly(Map.entry("management.context-path", "/ops/manage"),
				Map.entry("management.port", "45678"));
	}

	@Test
	void publishesNoPortBeforeTheManagementServerHasStarted() {
		this.environment.withProperty("management.server.port", "9090");
		assertThat(servlet(null)).containsExactly(Map.entry("management.context-path", "/actuator"));
	}

	@Test
	void treatsAManagementPortEqualToTheServerPortAsTheSamePort() {
		this.environment.withProperty("server.port", "8081")
			.withProperty("management.server.port", "8081")
			.withProperty("spring.webflux.base-path", "/api");
		assertThat(reactive(8081)).containsExactly(Map.entry("management.context-path", "/api/actuator"));
	}

	@Test
	void publishesASpecificManagementAddressOtherThanTheRegisteredHost() {
		this.environment.withProperty("management.server.port", "9090")
			.withProperty("management.server.address", "127.0.0.1");
		assertThat(servlet(9090)).containsEntry("management.address", "127.0.0.1");
	}

	@Test
	void leavesOutAWildcardManagementAddressAndTheRegisteredHost() {
		this.environment.withProperty("management.server.port", "9090")
			.withProperty("management.server.address", "0.0.0.0");
		assertThat(servlet(9090)).doesNotContainKey("management.address");
		this.environment.setProperty("management.server.address", HOST);
		assertThat(servlet(9090)).doesNotContainKey("management.address");
	}

	@Test
	void leavesOutTheManagementAddressOnTheApplicationsPort() {
		this.environment.withProperty("management.server.address", "127.0.0.1");
		assertThat(servlet(null)).doesNotContainKey("management.address");
	}

	@Test
	void publishesAHealthPathOnlyWhenTheHealthEndpointIsMapped() {
		assertThat(servlet(null)).doesNotContainKey("health.path");
		this.environment.withProperty("management.endpoints.web.path-mapping.health", "healthz");
		assertThat(servlet(null)).containsEntry("health.path", "healthz");
	}

	@Test
	void publishesNothingWhenTheEndpointsAreNotServedOverHttp() {
		this.environment.withProperty("management.server.port", "-1");
		assertThat(servlet(null)).isEmpty();
	}

	private Map<String, String> servlet(@Nullable Integer managementPort) {
		return ManagementMetadata.of(this.environment, false, HOST, managementPort);
	}

	private Map<String, String> reactive(@Nullable Integer managementPort) {
		return ManagementMetadata.of(this.environment, true, HOST, managementPort);
	}

}
