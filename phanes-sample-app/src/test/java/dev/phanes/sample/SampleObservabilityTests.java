package dev.phanes.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.phanes.sample.model.Note;
import dev.phanes.sample.model.NoteRequest;
import dev.phanes.test.Commands;
import dev.phanes.test.Prerequisites;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.TestSocketUtils;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the sample app reports about itself: one request is one trace with a span per
 * step, seen through the trace collector and through an OpenTelemetry exporter; its log
 * lines carry its trace id; {@code /actuator/prometheus} serves the Phanes meters in a
 * format Prometheus accepts.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT,
		properties = "management.opentelemetry.tracing.export.schedule-delay=100ms")
class SampleObservabilityTests {

	/**
	 * The spans of {@code POST /peer/notes}, by name: this instance's server span, the
	 * store write, the HTTP call to a peer, the balancer's choice of the peer, the peer's
	 * server span and its store read. A step that joins the request adds one line here.
	 */
	static final List<String> EXPECTED_SPANS = List.of(
	// @formatter:off
			"http post /peer/notes",
			"store write",
			"publish notes",
			"http get",
			"loadbalancer choice",
			"http get /notes/{id}",
			"store read");
	// @formatter:on

	@LocalServerPort
	private int port;

	@Autowired
	private InMemorySpanExporter exported;

	private WebTestClient client;

	/**
	 * A free port, and a service name of this run's own, so that the peer calls find this
	 * instance and no other one running on the machine.
	 */
	@DynamicPropertySource
	static void freePortAndOwnServiceName(DynamicPropertyRegistry registry) {
		int port = TestSocketUtils.findAvailableTcpPort();
		registry.add("server.port", () -> port);
		registry.add("spring.application.name", () -> "phanes-sample-observed-" + port);
	}

	@BeforeEach
	void bindToServer() {
		this.client = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.port)
			.responseTimeout(Duration.ofSeconds(10))
			.build();
	}

	@Test
	void oneRequestIsOneTraceWithASpanPerStepAndItsLogsCarryItsTraceId() {
		awaitPeerDiscovered();
		this.exported.reset();
		Note note = this.client.post()
			.uri("/peer/notes")
			.header("X-User-Id", "trace-test")
			.bodyValue(new NoteRequest("Traced", "one request, one trace"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Note.class)
			.returnResult()
			.getResponseBody();
		assertThat(note).isNotNull();
		assertThat(note.title()).isEqualTo("Traced");

		// Through an OpenTelemetry exporter beside the collector: all steps, one trace.
		List<SpanData> spans = await().atMost(Duration.ofSeconds(10))
			.until(() -> traceOf(this.exported), (trace) -> names(trace).containsAll(EXPECTED_SPANS));
		String traceId = spans.get(0).getTraceId();
		SpanData server = spans.stream()
			.filter((span) -> span.getName().equals("http post /peer/notes"))
			.findFirst()
			.orElseThrow();
		assertThat(server.getParentSpanContext().isValid()).as("the server span is the root").isFalse();

		// Through the trace collector's endpoint: the same trace, as one tree.
		Map<String, Object> trace = await().atMost(Duration.ofSeconds(10))
			.until(() -> readTrace(traceId), (read) -> read != null && spanNames(read).containsAll(EXPECTED_SPANS));
		List<?> roots = (List<?>) trace.get("roots");
		assertThat(roots).hasSize(1);
		assertThat(((Map<?, ?>) roots.get(0)).get("name")).isEqualTo("http post /peer/notes");
		assertThat(spanIds(trace)).containsAll(spans.stream().map(SpanData::getSpanId).toList());
		assertThat((Double) trace.get("durationMillis")).isPositive();

		// Through the log collector's endpoint: the request's log line carries its trace.
		assertThat(logMessages(this.client, traceId))
			.contains("Created note " + note.id() + "; reading it back through a peer");
	}

	/**
	 * The value of one sample line of a Prometheus scrape.
	 */
	static double sampleValue(String line) {
		return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
	}

	/**
	 * The messages of the log events of one trace, read from the log collector's
	 * endpoint.
	 */
	static List<String> logMessages(WebTestClient client, String traceId) {
		Map<String, Object> logs = client.get()
			.uri("/actuator/logs?traceId=" + traceId)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
		return ((List<?>) logs.get("events")).stream()
			.map((event) -> String.valueOf(((Map<?, ?>) event).get("message")))
			.toList();
	}

	@Test
	void servesThePhanesMetersInTheFormatPrometheusAccepts() throws IOException {
		awaitPeerDiscovered();
		this.client.post()
			.uri("/peer/notes")
			.bodyValue(new NoteRequest("Counted", "scraped"))
			.exchange()
			.expectStatus()
			.isOk();
		String scrape = this.client.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(scrape).contains("phanes_store_seconds_count{", "backend=\"memory\"", "operation=\"write\"")
			.contains("phanes_loadbalancer_choice_seconds_count{", "strategy=\"hash\"")
			.contains("phanes_discovery_change_seconds_count{", "change=\"added\"")
			.contains("phanes_discovery_instances", "phanes_loadbalancer_ejected_instances")
			.contains("phanes_event_publish_seconds_count{", "transport=\"local\"", "topic=\"notes\"")
			.contains("# HELP phanes_event_publish_seconds Events published")
			.doesNotContain("phanes_event_published_total");
		// the publish timer counts the publications; no counter repeats it
		assertThat(scrape.lines()).anyMatch((line) -> line.startsWith("phanes_event_publish_seconds_count{")
				&& line.contains("transport=\"local\"") && line.contains("topic=\"notes\"")
				&& line.contains("outcome=\"success\"") && sampleValue(line) >= 1);
		String promtool = Commands.find("promtool");
		Prerequisites.require(promtool != null, "promtool (Debian package prometheus) to parse the scrape");
		Path file = Files.createTempFile("phanes-scrape-", ".prom");
		try {
			Files.writeString(file, scrape, StandardCharsets.UTF_8);
			Commands.Result check = Commands.run(Duration.ofSeconds(30),
					List.of("sh", "-c", promtool + " check metrics < " + file));
			// 0: clean; 3: lint remarks only (Boot's and the JVM's meters have some); 1:
			// the
			// scrape does not parse.
			assertThat(check.exitCode()).as(check.output()).isIn(0, 3);
			assertThat(check.output().lines().filter((line) -> line.startsWith("phanes_")))
				.as("promtool's remarks on Phanes meters")
				.isEmpty();
		}
		finally {
			Files.deleteIfExists(file);
		}
	}

	private void awaitPeerDiscovered() {
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> this.client.get().uri("/peer/instance").exchange().expectStatus().isOk());
	}

	/**
	 * The spans of the one trace that has a {@code POST /peer/notes} server span.
	 */
	private static List<SpanData> traceOf(InMemorySpanExporter exporter) {
		List<SpanData> all = exporter.getFinishedSpanItems();
		Set<String> traces = all.stream()
			.filter((span) -> span.getName().equals("http post /peer/notes"))
			.map(SpanData::getTraceId)
			.collect(Collectors.toSet());
		assertThat(traces).as("traces of POST /peer/notes").hasSizeLessThanOrEqualTo(1);
		return all.stream().filter((span) -> traces.contains(span.getTraceId())).toList();
	}

	private static Set<String> names(List<SpanData> spans) {
		return spans.stream().map(SpanData::getName).collect(Collectors.toSet());
	}

	private Map<String, Object> readTrace(String traceId) {
		return this.client.get()
			.uri("/actuator/traces/" + traceId)
			.exchange()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
	}

	private static List<String> spanNames(Map<String, Object> trace) {
		return nodes(trace).stream().map((node) -> (String) node.get("name")).toList();
	}

	private static List<String> spanIds(Map<String, Object> trace) {
		return nodes(trace).stream().map((node) -> (String) node.get("spanId")).toList();
	}

	private static List<Map<?, ?>> nodes(Map<String, Object> trace) {
		List<Map<?, ?>> nodes = new ArrayList<>();
		((List<?>) trace.get("roots")).forEach((root) -> collect((Map<?, ?>) root, nodes));
		return nodes;
	}

	private static void collect(Map<?, ?> node, List<Map<?, ?>> nodes) {
		nodes.add(node);
		((List<?>) node.get("children")).forEach((child) -> collect((Map<?, ?>) child, nodes));
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class InMemoryExporterConfiguration {

		@Bean
		InMemorySpanExporter inMemorySpanExporter() {
			return InMemorySpanExporter.create();
		}

	}

}
