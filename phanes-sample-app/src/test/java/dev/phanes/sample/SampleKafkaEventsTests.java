package dev.phanes.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.collector.TraceCollector;
import dev.phanes.sample.event.NoteCreated;
import dev.phanes.sample.model.Note;
import dev.phanes.sample.model.NoteRequest;
import dev.phanes.test.EmbeddedKafkaExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two sample-app instances with the {@code kafka} profile on a real KRaft broker: a note
 * created on one shows in {@code /activity} on both, the {@code NoteCreated} record
 * carries its logical type and the trace context in its headers, the other instance's
 * handling of it continues the creating request's trace, and each instance reports the
 * broker in its readiness group.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class SampleKafkaEventsTests {

	private static final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private static String bootstrapServers;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	@BeforeAll
	static void startTwoInstances(EmbeddedKafkaExtension.Broker broker) {
		bootstrapServers = broker.bootstrapServers();
		String name = "notes-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
		first = start(name, name + "-a");
		second = start(name, name + "-b");
	}

	@AfterAll
	static void stop() {
		contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void aNoteCreatedOnOneInstanceReachesTheListenerOfTheOther() {
		WebTestClient first = client(SampleKafkaEventsTests.first);
		WebTestClient second = client(SampleKafkaEventsTests.second);
		String id = create(first, "Over Kafka");
		for (WebTestClient instance : List.of(first, second)) {
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> instance.get()
					.uri("/activity")
					.exchange()
					.expectBody()
					.jsonPath("$[0].id")
					.isEqualTo(id));
		}
		ConsumerRecord<String, String> record = record(NoteCreated.TOPIC, id);
		assertThat(header(record, "phanes-event-type")).isEqualTo("note-created");
		// trace flags: sampled (01) and, on Boot 4.1, W3C Trace Context level 2's
		// random-trace-id bit (02)
		assertThat(header(record, "traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]");
		first.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.phanesEventBus.status")
			.isEqualTo("UP");
		first.get()
			.uri("/actuator/health/liveness")
			.exchange()
			.expectBody()
			.jsonPath("$.components.phanesEventBus")
			.doesNotExist();
	}

	@Test
	void theOtherInstanceHandlesTheNoteInTheTraceOfTheRequestThatCreatedIt() {
		InMemorySpanExporter publisherSpans = first.getBean(InMemorySpanExporter.class);
		InMemorySpanExporter consumerSpans = second.getBean(InMemorySpanExporter.class);
		String id = create(client(first), "Traced over Kafka");

		// The record carries the trace of the request that created the note: the trace
		// id, and the producer span as parent.
		String[] traceparent = header(record(NoteCreated.TOPIC, id), "traceparent").split("-");
		String traceId = traceparent[1];

		// The publishing instance: the request's server span is the root, the bus's
		// publication is inside it and Spring Kafka's send inside that.
		SpanData send = await().atMost(Duration.ofSeconds(10))
			.until(() -> find(publisherSpans, traceId, SpanKind.PRODUCER), Objects::nonNull);
		assertThat(send.getSpanId()).isEqualTo(traceparent[2]);
		SpanData publish = span(publisherSpans, traceId, "publish notes");
		SpanData server = span(publisherSpans, traceId, "http post /notes");
		assertThat(send.getParentSpanId()).isEqualTo(publish.getSpanId());
		assertThat(publish.getParentSpanId()).isEqualTo(server.getSpanId());
		assertThat(server.getParentSpanContext().isValid()).as("the server span is the root").isFalse();

		// The other instance, through an OpenTelemetry exporter: the listener's span is a
		// child of the send, the delivery to the application's listeners a child of it.
		SpanData deliver = await().atMost(Duration.ofSeconds(30))
			.until(() -> find(consumerSpans, traceId, "deliver notes"), Objects::nonNull);
		SpanData receive = find(consumerSpans, traceId, SpanKind.CONSUMER);
		assertThat(receive).as("the consumer span of trace %s", traceId).isNotNull();
		assertThat(receive.getParentSpanId()).as("the listener's parent").isEqualTo(send.getSpanId());
		assertThat(deliver.getParentSpanId()).as("the delivery's parent").isEqualTo(receive.getSpanId());
		assertThat(deliver.getAttributes().asMap()).containsValues("kafka", "note-created");

		// The other instance, through its trace collector: the same spans, one tree whose
		// root's parent ran in the publishing instance.
		TraceCollector collector = second.getBean(TraceCollector.class);
		TraceCollector.TraceTree tree = await().atMost(Duration.ofSeconds(10))
			.until(() -> collector.trace(traceId), (found) -> found != null && found.roots()
				.stream()
				.anyMatch(
						(root) -> root.children().stream().anyMatch((child) -> child.name().equals("deliver notes"))));
		assertThat(tree.roots()).hasSize(1);
		TraceCollector.SpanNode root = tree.roots().get(0);
		assertThat(root.spanId()).isEqualTo(receive.getSpanId());
		assertThat(root.parentSpanId()).isEqualTo(send.getSpanId());
		assertThat(root.kind()).isEqualTo("CONSUMER");

		// The other instance's log line of its handling carries the publisher's trace id.
		assertThat(SampleObservabilityTests.logMessages(client(second), traceId)).contains("Heard of note " + id);

		// The other instance counts the delivery over Kafka.
		client(second).get().uri("/actuator/prometheus").exchange().expectBody(String.class).value((scrape) -> {
			assertThat(scrape).contains("phanes_event_deliver_seconds_count{", "transport=\"kafka\"", "topic=\"notes\"")
				.doesNotContain("phanes_event_delivered_total");
			// the delivery timer counts the deliveries; no counter repeats it
			assertThat(scrape.lines()).anyMatch((line) -> line.startsWith("phanes_event_deliver_seconds_count{")
					&& line.contains("transport=\"kafka\"") && line.contains("topic=\"notes\"")
					&& line.contains("outcome=\"success\"") && SampleObservabilityTests.sampleValue(line) >= 1);
		});

		// Spring Kafka's observed send and receive timers (the bus's) are there: Boot's
		// template and listeners are observed too, so the first to register does not
		// shut the other out with another set of tag keys.
		client(first).get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectBody(String.class)
			.value((scrape) -> assertThat(scrape.lines())
				.anyMatch((line) -> line.startsWith("spring_kafka_template_seconds_count{")
						&& line.contains("messaging_destination_name=\"notes\"")));
		client(second).get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectBody(String.class)
			.value((scrape) -> assertThat(scrape.lines())
				.anyMatch((line) -> line.startsWith("spring_kafka_listener_seconds_count{")
						&& line.contains("messaging_source_name=\"notes\"")));
	}

	private static String create(WebTestClient instance, String title) {
		return instance.post()
			.uri("/notes")
			.bodyValue(new NoteRequest(title, "from the first instance"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Note.class)
			.returnResult()
			.getResponseBody()
			.id();
	}

	private static @Nullable SpanData find(InMemorySpanExporter exporter, String traceId, SpanKind kind) {
		return exporter.getFinishedSpanItems()
			.stream()
			.filter((span) -> span.getTraceId().equals(traceId) && span.getKind() == kind)
			.findFirst()
			.orElse(null);
	}

	private static @Nullable SpanData find(InMemorySpanExporter exporter, String traceId, String name) {
		return exporter.getFinishedSpanItems()
			.stream()
			.filter((span) -> span.getTraceId().equals(traceId) && span.getName().equals(name))
			.findFirst()
			.orElse(null);
	}

	private static SpanData span(InMemorySpanExporter exporter, String traceId, String name) {
		SpanData span = find(exporter, traceId, name);
		assertThat(span).as("span '%s' of trace %s among %s", name, traceId, exporter.getFinishedSpanItems())
			.isNotNull();
		return span;
	}

	private static ConfigurableApplicationContext start(String name, String group) {
		// arguments, not default properties, so that they win over application.yml
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class,
				SampleDiscoveryTests.OwnNettyResources.class,
				SampleObservabilityTests.InMemoryExporterConfiguration.class)
			.profiles("kafka")
			.run("--spring.application.name=" + name, "--server.port=0", "--spring.main.banner-mode=off",
					"--spring.kafka.bootstrap-servers=" + bootstrapServers, "--phanes.event.group=" + group,
					"--management.opentelemetry.tracing.export.schedule-delay=100ms");
		contexts.add(context);
		return context;
	}

	private static WebTestClient client(ConfigurableApplicationContext context) {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"))
			.build();
	}

	private static ConsumerRecord<String, String> record(String topic, String key) {
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringDeserializer(),
				new StringDeserializer())) {
			TopicPartition partition = new TopicPartition(topic, 0);
			consumer.assign(List.of(partition));
			consumer.seekToBeginning(List.of(partition));
			List<ConsumerRecord<String, String>> records = new ArrayList<>();
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
				return records.stream().anyMatch((record) -> key.equals(record.key()));
			});
			return records.stream().filter((record) -> key.equals(record.key())).findFirst().orElseThrow();
		}
	}

	private static String header(ConsumerRecord<String, String> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

}
