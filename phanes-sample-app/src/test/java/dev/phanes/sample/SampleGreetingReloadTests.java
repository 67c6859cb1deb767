package dev.phanes.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.phanes.sample.model.Greeting;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.TestSocketUtils;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The greeting over HTTP follows an edit of a configuration file, without a restart.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT,
		properties = { "spring.config.additional-location=optional:file:target/greeting-reload/greeting.yml",
				// A reload loads the configuration again from the command line and these
				// sources only, as Spring Cloud's refresh does.
				"spring.cloud.refresh.additional-property-sources-to-retain=Inlined Test Properties" })
class SampleGreetingReloadTests {

	private static final Path DIRECTORY = Path.of("target/greeting-reload");

	private static final Path FILE = DIRECTORY.resolve("greeting.yml");

	@LocalServerPort
	private int port;

	private WebTestClient client;

	// Runs before the application starts, which reads the file.
	@BeforeAll
	static void writeGreetingFile() throws IOException {
		Files.createDirectories(DIRECTORY);
		Files.writeString(FILE, "sample:\n  greeting:\n    message: Hello from the file\n");
	}

	@DynamicPropertySource
	static void freePortAndOwnServiceName(DynamicPropertyRegistry registry) {
		int port = TestSocketUtils.findAvailableTcpPort();
		registry.add("server.port", () -> port);
		registry.add("spring.application.name", () -> "phanes-sample-" + port);
	}

	@BeforeEach
	void bindToServer() {
		this.client = WebTestClient.bindToServer().baseUrl("http://localhost:" + this.port).build();
	}

	@Test
	void greetingFollowsAnEditedFile() throws IOException {
		assertThat(greeting()).isEqualTo(new Greeting("Hello from the file", false, "Hello from the file"));
		Path edited = DIRECTORY.resolve("greeting.yml.tmp");
		Files.writeString(edited, "sample:\n  greeting:\n    message: Edited\n    shout: true\n");
		Files.move(edited, FILE, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(greeting()).isEqualTo(new Greeting("Edited", true, "EDITED!")));
	}

	private Greeting greeting() {
		return this.client.get()
			.uri("/greeting")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Greeting.class)
			.returnResult()
			.getResponseBody();
	}

	@AfterAll
	static void deleteFile() throws IOException {
		Files.deleteIfExists(FILE);
	}

}
