package dev.phanes.auth;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.config.ConfigReloadHealthIndicator;
import dev.phanes.test.EtcdExtension;
import dev.phanes.test.EtcdServer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rules kept in etcd and changed while two instances of a service run: a change applies
 * in both within the config reload bound, without a restart; an invalid rule set is
 * rejected whole and both keep the rules they had.
 */
@ExtendWith(EtcdExtension.class)
class AuthEtcdRulesIT {

	/**
	 * A bound on the config reload: etcd's watch, the coalescing (20 ms) and the rebind
	 * take tens of milliseconds; this is far beyond.
	 */
	private static final Duration RELOAD_BOUND = Duration.ofSeconds(10);

	private static final String GRANT_ORDERS = """
			phanes.auth.rules:
			  - id: orders-read
			    path: /notes/**
			    method: GET
			    caller: orders
			    access: grant
			""";

	private static final String DENY_ALL_NOTES = """
			phanes.auth.rules:
			  - id: orders-read
			    path: /notes/**
			    method: GET
			    caller: orders
			    access: grant
			  - id: notes-closed
			    path: /notes/**
			    access: deny
			    priority: 100
			""";

	private static final String INVALID = """
			phanes.auth.rules:
			  - id: orders-read
			    path: /notes/**
			    caller: orders
			    access: grant
			  - id: orders-read
			    path: /notes/{broken
			    access: grant
			""";

	private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	private final HttpClient http = HttpClient.newHttpClient();

	@AfterEach
	void stop() {
		this.instances.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void aRuleChangedInEtcdAppliesInEveryInstanceAndAnInvalidSetLeavesTheOldOne(EtcdServer etcd) throws Exception {
		String prefix = "/auth-it/" + System.nanoTime() + "/";
		etcd.put(prefix + "application.yml", GRANT_ORDERS);
		Path keys = Files.createTempDirectory("phanes-auth-keys");
		for (int i = 0; i < 2; i++) {
			this.instances.add(new SpringApplicationBuilder(AuthWebFluxIT.NotesApplication.class)
				.web(WebApplicationType.REACTIVE)
				.properties("spring.main.banner-mode=off", "spring.application.name=notes", "server.port=0",
						"server.address=127.0.0.1", "phanes.auth.enabled=true", "phanes.auth.keys.directory=" + keys,
						"spring.config.import=etcd:" + prefix, "phanes.config.etcd.endpoints=" + etcd.endpoint(),
						"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
								+ "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration")
				.run());
		}
		ServiceTokens orders = new ServiceTokens(
				new ServiceKeys(new KeyDirectory(keys), "orders", Duration.ofDays(1), Duration.ofSeconds(20),
						Duration.ofMinutes(6), Clock.systemUTC()),
				"orders", Duration.ofMinutes(5), Duration.ofMinutes(1), Clock.systemUTC());
		String token = orders.tokenFor("notes");
		for (ConfigurableApplicationContext instance : this.instances) {
			assertThat(status(instance, token)).isEqualTo(200);
		}

		etcd.put(prefix + "application.yml", DENY_ALL_NOTES);
		for (ConfigurableApplicationContext instance : this.instances) {
			await().atMost(RELOAD_BOUND).until(() -> status(instance, token) == 403);
		}

		etcd.put(prefix + "application.yml", INVALID);
		for (ConfigurableApplicationContext instance : this.instances) {
			await().atMost(RELOAD_BOUND)
				.until(() -> instance.getBean(ConfigReloadHealthIndicator.class)
					.health()
					.getDetails()
					.containsKey("lastRejectedChange"));
			assertThat(String.valueOf(instance.getBean(ConfigReloadHealthIndicator.class).health().getDetails()))
				.contains("phanes.auth.rules");
			assertThat(status(instance, token)).as("the rules before the invalid set").isEqualTo(403);
			assertThat(instance.getBean(RuleSource.class).rules().rules()).extracting(AuthRule::getId)
				.containsExactly("notes-closed", "orders-read");
		}

		etcd.put(prefix + "application.yml", GRANT_ORDERS);
		for (ConfigurableApplicationContext instance : this.instances) {
			await().atMost(RELOAD_BOUND).until(() -> status(instance, token) == 200);
		}
	}

	private int status(ConfigurableApplicationContext instance, String token) throws Exception {
		int port = ((WebServerApplicationContext) instance).getWebServer().getPort();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notes/1"))
			.header("Authorization", "Bearer " + token)
			.timeout(Duration.ofSeconds(30))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

}
