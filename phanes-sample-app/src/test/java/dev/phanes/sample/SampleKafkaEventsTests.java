package dev.phanes.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.phanes.sample.event.NoteCreated;
import dev.phanes.sample.model.Note;
import dev.phanes.sample.model.NoteRequest;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two sample-app instances with the {@code kafka} profile on a real KRaft broker: a note
 * created on one shows in {@code /activity} on both, the {@code NoteCreated} record
 * carries its logical type and the trace context in its headers, and each instance
 * reports the broker in its readiness group.
 */
class SampleKafkaEventsTests {

	private static EmbeddedKafkaKraftBroker broker;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeAll
	static void startBroker() {
		broker = new EmbeddedKafkaKraftBroker(1, 1);
		broker.afterPropertiesSet();
	}

	@AfterAll
	static void stopBroker() {
		broker.destroy();
	}

	@AfterEach
	void stop() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void aNoteCreatedOnOneInstanceReachesTheListenerOfTheOther() {
		String name = "notes-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
		WebTestClient first = client(start(name, name + "-a"));
		WebTestClient second = client(start(name, name + "-b"));
		String id = first.post()
			.uri("/notes")
			.bodyValue(new NoteRequest("Over Kafka", "from the first instance"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Note.class)
			.returnResult()
			.getResponseBody()
			.id();
		for (WebTestClient instance : List.of(first, second)) {
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> instance.get()
					.uri("/activity")
					.exchange()
					.expectBody()
					.jsonPath("$[0].id")
					.isEqualTo(id));
		}
		ConsumerRecord<String, String> record = lastRecord(NoteCreated.TOPIC);
		assertThat(record.key()).isEqualTo(id);
		assertThat(header(record, "phanes-event-type")).isEqualTo("note-created");
		assertThat(header(record, "traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
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

	private ConfigurableApplicationContext start(String name, String group) {
		// arguments, not default properties, so that they win over application.yml
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class,
				SampleDiscoveryTests.OwnNettyResources.class)
			.profiles("kafka")
			.run("--spring.application.name=" + name, "--server.port=0", "--spring.main.banner-mode=off",
					"--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(), "--phanes.event.group=" + group);
		this.contexts.add(context);
		return context;
	}

	private static WebTestClient client(ConfigurableApplicationContext context) {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"))
			.build();
	}

	private static ConsumerRecord<String, String> lastRecord(String topic) {
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()), new StringDeserializer(),
				new StringDeserializer())) {
			TopicPartition partition = new TopicPartition(topic, 0);
			consumer.assign(List.of(partition));
			consumer.seekToBeginning(List.of(partition));
			List<ConsumerRecord<String, String>> records = new ArrayList<>();
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
				return !records.isEmpty();
			});
			return records.get(records.size() - 1);
		}
	}

	private static String header(ConsumerRecord<String, String> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

}
