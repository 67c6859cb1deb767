package dev.phanes.auth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys rotated under continuous calls between two services, with no restart: the caller
 * rotates every three seconds (as often as a reload period of 500 ms allows), and not one
 * call fails across the switches.
 */
class AuthKeyRotationIT {

	private static final Duration BOUND = Duration.ofSeconds(90);

	@Test
	void noCallFailsAcrossKeyRotations() throws Exception {
		Path keys = Files.createTempDirectory("phanes-auth-keys");
		String[] common = { "spring.main.banner-mode=off", "phanes.auth.enabled=true",
				"phanes.auth.keys.directory=" + keys, "phanes.auth.keys.reload=500ms", "phanes.auth.keys.rotation=3s",
				"phanes.auth.token.ttl=10s", "phanes.auth.token.renew-before=2s", "phanes.auth.token.clock-skew=0s",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
						+ "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration" };
		try (ConfigurableApplicationContext notes = new SpringApplicationBuilder(AuthWebFluxIT.NotesApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties(common)
			.properties("spring.application.name=notes", "server.port=0", "server.address=127.0.0.1",
					"phanes.auth.rules[0].id=orders", "phanes.auth.rules[0].caller=orders",
					"phanes.auth.rules[0].access=grant")
			.run();
				ConfigurableApplicationContext orders = new SpringApplicationBuilder(
						AuthWebFluxIT.OrdersApplication.class)
					.web(WebApplicationType.NONE)
					.properties(common)
					.properties("spring.application.name=orders")
					.run()) {
			int port = ((WebServerApplicationContext) notes).getWebServer().getPort();
			WebClient client = WebClient.create("http://127.0.0.1:" + port);
			OutgoingTokens tokens = orders.getBean(OutgoingTokens.class);
			EmbeddedKeys ordersKeys = orders.getBean(EmbeddedKeys.class);
			Set<String> signedWith = new LinkedHashSet<>();
			int calls = 0;
			int failures = 0;
			long deadline = System.nanoTime() + BOUND.toNanos();
			// three keys took over after the first: at least two switches under calls
			while (signedWith.size() < 4 && System.nanoTime() < deadline) {
				String token = tokens.tokenFor("notes");
				signedWith.add(ordersKeys.own().signingKey().getKeyID());
				Integer status = client.get()
					.uri("/notes/1")
					.headers((headers) -> headers.setBearerAuth(token))
					.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
					.block(Duration.ofSeconds(30));
				calls++;
				if (status == null || status != 200) {
					failures++;
				}
			}
			System.out.printf("AuthKeyRotation: %d calls signed with %d keys, %d failed%n", calls, signedWith.size(),
					failures);
			assertThat(signedWith).as("keys that signed within %s", BOUND).hasSizeGreaterThanOrEqualTo(4);
			assertThat(failures).isZero();
		}
	}

}
