package dev.phanes.sample;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.phanes.sample.model.NoteRequest;
import dev.phanes.sync.FencedLockRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.TestSocketUtils;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's leader job on the default, in-memory locks: the one instance leads
 * {@code notes-summary} and writes fenced summaries, shown at {@code /summary} and the
 * {@code sync} endpoint.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT, properties = "sample.summary.interval=100ms")
class SampleSummaryTests {

	private static final Duration BOUND = Duration.ofSeconds(30);

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@LocalServerPort
	private int port;

	@Autowired
	private FencedLockRegistry locks;

	private WebTestClient client;

	@DynamicPropertySource
	static void freePortAndOwnServiceName(DynamicPropertyRegistry registry) {
		int port = TestSocketUtils.findAvailableTcpPort();
		registry.add("server.port", () -> port);
		registry.add("spring.application.name", () -> "phanes-sample-summary-" + port);
	}

	@BeforeEach
	void bindToServer() {
		this.client = WebTestClient.bindToServer().baseUrl("http://localhost:" + this.port).build();
	}

	@Test
	void theLeaderSummarisesTheNotesWithItsFencingToken() {
		this.client.post()
			.uri("/notes")
			.bodyValue(new NoteRequest("Summarised", "counted by the leader"))
			.exchange()
			.expectStatus()
			.is2xxSuccessful();
		await().atMost(BOUND).untilAsserted(() -> {
			Map<String, Object> summary = get("/summary");
			assertThat(summary).containsEntry("role", "notes-summary")
				.containsEntry("leading", true)
				.containsEntry("leader", this.locks.holderId())
				.containsEntry("instance", this.locks.holderId());
			assertThat(((Number) summary.get("runs")).longValue()).isPositive();
			@SuppressWarnings("unchecked")
			Map<String, Object> latest = (Map<String, Object>) summary.get("latest");
			assertThat(latest).isNotNull();
			assertThat(((Number) latest.get("notes")).intValue()).isGreaterThanOrEqualTo(1);
			assertThat(latest.get("fencingToken")).isEqualTo(summary.get("fencingToken"));
		});
		Map<String, Object> sync = get("/actuator/sync");
		assertThat(sync).containsEntry("backend", "memory").containsEntry("holderId", this.locks.holderId());
		assertThat(sync.get("elections").toString()).contains("notes-summary").contains("leading=true");
	}

	private Map<String, Object> get(String path) {
		Map<String, Object> body = this.client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JSON)
			.returnResult()
			.getResponseBody();
		assertThat(body).as(path).isNotNull();
		return body;
	}

}
