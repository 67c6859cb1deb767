package dev.phanes.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's Auth example: two sample services with the {@code auth} profile, each the
 * other's peer. A request without a token is a 401; a peer call carries the caller's
 * token with no code in the sample and is let in by rule {@code peers-read-notes}; the
 * rule {@code no-instance-details-for-peers} refuses {@code /instance} to the peer.
 */
class SampleAuthTests {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void stop() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void twoServicesCallEachOtherWithTokensAndARuleDeniesAPath() throws Exception {
		Path keys = Files.createTempDirectory("phanes-sample-keys");
		String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
		ConfigurableApplicationContext a = start("notes-a-" + suffix, "notes-b-" + suffix, keys);
		start("notes-b-" + suffix, "notes-a-" + suffix, keys);
		WebClient client = WebClient
			.create("http://127.0.0.1:" + ((WebServerApplicationContext) a).getWebServer().getPort());

		assertThat(status(client, "/notes/x")).isEqualTo(401);
		// notes-b is found once mDNS has announced it
		await().atMost(Duration.ofSeconds(30)).until(() -> status(client, "/peer/notes/x") == 404);
		assertThat(status(client, "/peer/instance")).isEqualTo(403);
		assertThat(status(client, "/actuator/health")).isEqualTo(200);
	}

	private static int status(WebClient client, String path) {
		HttpStatus status = client.get()
			.uri(path)
			.exchangeToMono(
					(response) -> response.releaseBody().thenReturn(HttpStatus.valueOf(response.statusCode().value())))
			.block(Duration.ofSeconds(30));
		return (status != null) ? status.value() : -1;
	}

	private ConfigurableApplicationContext start(String name, String peer, Path keys) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class,
				SampleDiscoveryTests.OwnNettyResources.class)
			.run("--spring.profiles.active=auth", "--spring.application.name=" + name, "--sample.peer-service=" + peer,
					"--phanes.auth.keys.directory=" + keys, "--server.port=0", "--spring.main.banner-mode=off");
		this.contexts.add(context);
		return context;
	}

}
