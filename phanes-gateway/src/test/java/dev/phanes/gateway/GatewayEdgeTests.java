package dev.phanes.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway as a user starts it, with no service running: what it answers itself.
 * Unknown services are a 404 problem detail, paths that read two ways a 400, and with
 * Phanes' auth block on, a request for a service is decided by that service's rules at
 * the edge (the 404 shows that a granted request went on to routing).
 */
class GatewayEdgeTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@TempDir
	Path keys;

	@Test
	void answersUnknownServicesAndAmbiguousPathsItself() throws Exception {
		try (ConfigurableApplicationContext gateway = start()) {
			HttpResponse<String> unknown = get(gateway, "/no-such-service/x");
			assertThat(unknown.statusCode()).isEqualTo(404);
			assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(unknown.body()).contains("No service named 'no-such-service' is known to discovery.");
			HttpResponse<String> badName = get(gateway, "/-notes/x");
			assertThat(badName.statusCode()).isEqualTo(400);
			assertThat(badName.body()).contains("The first segment of the path names the service");
			assertThat(get(gateway, "/notes/%2e%2e/x").statusCode()).isEqualTo(400);
		}
	}

	@Test
	void decidesRequestsForAServiceByThatServicesRulesWhenAuthIsOn() throws Exception {
		try (ConfigurableApplicationContext gateway = start("--phanes.auth.enabled=true",
				"--phanes.auth.keys.directory=" + this.keys, "--phanes.auth.rules[0].id=public-notes",
				"--phanes.auth.rules[0].service=notes-edge-test", "--phanes.auth.rules[0].path=/public/**",
				"--phanes.auth.rules[0].scope=public", "--phanes.auth.rules[0].access=grant")) {
			HttpResponse<String> granted = get(gateway, "/notes-edge-test/public/1");
			assertThat(granted.statusCode()).as("granted, then routed: no instance").isEqualTo(404);
			assertThat(granted.body()).contains("notes-edge-test");
			HttpResponse<String> refused = get(gateway, "/notes-edge-test/private/1");
			assertThat(refused.statusCode()).isEqualTo(401);
			assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(get(gateway, "/public/1").statusCode()).as("decided as the gateway's own path").isEqualTo(401);
		}
	}

	private HttpResponse<String> get(ConfigurableApplicationContext gateway, String path) throws Exception {
		int port = gateway.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static ConfigurableApplicationContext start(String... extra) {
		List<String> arguments = new java.util.ArrayList<>(List.of("--spring.config.name=phanes-gateway-edge-test",
				"--spring.application.name=phanes-gateway-edge-test", "--spring.main.web-application-type=reactive",
				"--spring.main.banner-mode=off", "--phanes.discovery.mdns.address=127.0.0.1",
				"--server.address=127.0.0.1", "--server.port=0",
				"--spring.cloud.service-registry.auto-registration.enabled=false"));
		arguments.addAll(List.of(extra));
		return SpringApplication.run(Gateway.class, arguments.toArray(String[]::new));
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
	static class Gateway {

	}

}
