package dev.phanes.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.sample.event.NoteCreated;
import dev.phanes.sample.model.Note;
import dev.phanes.sample.model.NoteRequest;
import dev.phanes.test.RestartableKafkaExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code kafka} profile through a broker outage (a broker in a child JVM, stopped and
 * started on the same port): creating a note answers without waiting for Kafka to
 * acknowledge its event, the instance's own listener hears it at once, and the event
 * reaches Kafka when the broker is back.
 */
@ExtendWith(RestartableKafkaExtension.class)
class SampleKafkaOutageTests {

	/**
	 * How long the producer may wait for the broker: far longer than the answer may take
	 * and than the outage lasts.
	 */
	private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(120);

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start(RestartableKafkaExtension.Broker broker) {
		broker.start();
		String timeout = String.valueOf(DELIVERY_TIMEOUT.toMillis());
		context = new SpringApplicationBuilder(SampleApplication.class, SampleDiscoveryTests.OwnNettyResources.class)
			.profiles("kafka")
			.run("--spring.application.name=notes-outage", "--server.port=0", "--spring.main.banner-mode=off",
					"--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
					"--phanes.event.group=notes-outage",
					"--spring.kafka.producer.properties.delivery.timeout.ms=" + timeout,
					"--spring.kafka.producer.properties.max.block.ms=" + timeout);
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	@Test
	void creatingANoteDuringABrokerOutageAnswersAtOnceAndItsEventArrivesAfterIt(
			RestartableKafkaExtension.Broker broker) {
		WebTestClient client = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"))
			.responseTimeout(DELIVERY_TIMEOUT)
			.build();
		broker.stop();
		long started = System.nanoTime();
		Note note = client.post()
			.uri("/notes")
			.bodyValue(new NoteRequest("During an outage", "stored anyway"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Note.class)
			.returnResult()
			.getResponseBody();
		Duration answered = Duration.ofNanos(System.nanoTime() - started);
		assertThat(answered).as("answered without waiting for the broker").isLessThan(DELIVERY_TIMEOUT.dividedBy(4));
		assertThat(note).isNotNull();
		client.get().uri("/notes/{id}", note.id()).exchange().expectStatus().isOk();
		client.get().uri("/activity").exchange().expectBody().jsonPath("$[0].id").isEqualTo(note.id());
		broker.start();
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringDeserializer(),
				new StringDeserializer())) {
			TopicPartition partition = new TopicPartition(NoteCreated.TOPIC, 0);
			consumer.assign(List.of(partition));
			consumer.seekToBeginning(List.of(partition));
			List<String> keys = new ArrayList<>();
			await().atMost(DELIVERY_TIMEOUT).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach((record) -> keys.add(record.key()));
				return keys.contains(note.id());
			});
		}
	}

}
