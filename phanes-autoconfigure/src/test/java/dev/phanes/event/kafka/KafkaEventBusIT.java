package dev.phanes.event.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.event.Event;
import dev.phanes.event.EventBus;
import dev.phanes.event.EventHeaders;
import dev.phanes.event.EventTooLargeException;
import dev.phanes.event.kafka.KafkaEventService.Note;
import dev.phanes.event.kafka.KafkaEventService.NoteCreated;
import dev.phanes.event.kafka.KafkaEventService.NoteListener;
import dev.phanes.event.kafka.KafkaEventService.ObservationRecorder;
import dev.phanes.test.EmbeddedKafkaExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka event bus between services (application contexts) on a real KRaft broker:
 * once per group across a consumer restart, once locally in the publishing process with
 * no echo between services, retries then the dead-letter topic, bad input.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class KafkaEventBusIT {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static String bootstrapServers;

	private final List<ConfigurableApplicationContext> services = new ArrayList<>();

	@BeforeAll
	static void broker(EmbeddedKafkaExtension.Broker broker) {
		bootstrapServers = broker.bootstrapServers();
	}

	@AfterEach
	void stopServices() {
		this.services.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext service(String name, String... arguments) {
		ConfigurableApplicationContext context = KafkaEventService.run(bootstrapServers, name, arguments);
		this.services.add(context);
		return context;
	}

	@Test
	void everyGroupReceivesEachEventOnceAcrossARestartOfTheConsumer() {
		String topic = "orders-restart";
		Map<String, Map<String, AtomicInteger>> received = Map.of("billing", new ConcurrentHashMap<>(), "audit",
				new ConcurrentHashMap<>());
		EventBus shop = service("shop").getBean(EventBus.class);
		ConfigurableApplicationContext consumer = service("billing");
		subscribe(consumer, topic, received);
		List<String> published = new ArrayList<>(publish(shop, topic, 0, 30));
		await().atMost(WAIT).until(() -> received.get("billing").size() >= 10);
		consumer.close();
		published.addAll(publish(shop, topic, 30, 60));
		subscribe(service("billing"), topic, received);
		received.forEach((group, counts) -> await().atMost(WAIT)
			.untilAsserted(() -> assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(published)));
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> received
				.forEach((group, counts) -> assertThat(counts.values()).allMatch((count) -> count.get() == 1)));
		ObservationRecorder publisherObservations = this.services.get(0).getBean(ObservationRecorder.class);
		assertThat(publisherObservations.started).contains("spring.kafka.template < phanes.event.publish");
		ObservationRecorder consumerObservations = this.services.get(2).getBean(ObservationRecorder.class);
		assertThat(consumerObservations.started).contains("phanes.event.deliver < spring.kafka.listener");
	}

	private static void subscribe(ConfigurableApplicationContext service, String topic,
			Map<String, Map<String, AtomicInteger>> received) {
		received.forEach((group, counts) -> service.getBean(EventBus.class)
			.subscribe(topic, group, Note.class,
					(event) -> counts.computeIfAbsent(event.id(), (id) -> new AtomicInteger()).incrementAndGet()));
	}

	private static List<String> publish(EventBus bus, String topic, int from, int to) {
		List<CompletableFuture<Event<Note>>> futures = new ArrayList<>();
		for (int i = from; i < to; i++) {
			futures.add(bus.publish(topic, "key-" + (i % 7), new Note("n" + i), Map.of()));
		}
		return futures.stream().map((future) -> future.join().id()).toList();
	}

	@Test
	void thePublishingProcessHandlesEachEventOnceAndNoEventEchoesBetweenServices() {
		String topic = "notes-bridge";
		ConfigurableApplicationContext notes = service("notes", "--phanes.event.kafka.listen-topics=" + topic);
		ConfigurableApplicationContext mailer = service("mailer", "--phanes.event.kafka.listen-topics=" + topic);
		List<String> notesIndexer = new CopyOnWriteArrayList<>();
		List<String> mailerIndexer = new CopyOnWriteArrayList<>();
		notes.getBean(EventBus.class)
			.subscribe(topic, "indexer", NoteCreated.class, (event) -> notesIndexer.add(event.payload().id()));
		mailer.getBean(EventBus.class)
			.subscribe(topic, "indexer", NoteCreated.class, (event) -> mailerIndexer.add(event.payload().id()));
		for (int i = 0; i < 10; i++) {
			notes.getBean(EventBus.class).publish(topic, new NoteCreated("bus-" + i, "text")).join();
			notes.publishEvent(new NoteCreated("app-" + i, "text"));
		}
		NoteListener remote = mailer.getBean(NoteListener.class);
		await().atMost(WAIT).untilAsserted(() -> assertThat(remote.payloads).hasSize(20));
		assertThat(remote.remote).hasSize(20);
		await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).untilAsserted(() -> {
			NoteListener local = notes.getBean(NoteListener.class);
			assertThat(local.payloads).hasSize(20);
			assertThat(local.remote).isEmpty();
			assertThat(remote.payloads).hasSize(20);
			assertThat(notesIndexer).hasSize(20).doesNotHaveDuplicates();
			assertThat(mailerIndexer).isEmpty();
		});
		assertThat(recordsIn(topic)).isEqualTo(20);
		// the listeners' handling of an event from another service is one observed
		// delivery
		assertThat(mailer.getBean(ObservationRecorder.class).started)
			.contains("phanes.event.deliver < spring.kafka.listener");
		assertThat(mailer.getBean(MeterRegistry.class)
			.get("phanes.event.deliver")
			.tags("transport", "kafka", "topic", topic, "outcome", "success")
			.timer()
			.count()).isEqualTo(20);
	}

	@Test
	void aGroupWhoseSubscriberFailedInThePublishingProcessGetsTheEventAgainOverKafka() {
		String topic = "notes-local-failure";
		ConfigurableApplicationContext notes = service("notes");
		Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
		List<String> indexed = new CopyOnWriteArrayList<>();
		notes.getBean(EventBus.class).subscribe(topic, "indexer", Note.class, (event) -> {
			if (attempts.computeIfAbsent(event.id(), (id) -> new AtomicInteger()).incrementAndGet() == 1) {
				throw new IllegalStateException("index not ready for " + event.id());
			}
			indexed.add(event.id());
		});
		List<String> published = publish(notes.getBean(EventBus.class), topic, 0, 5);
		await().atMost(WAIT).untilAsserted(() -> assertThat(indexed).containsExactlyInAnyOrderElementsOf(published));
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(attempts.values()).allMatch((count) -> count.get() == 2));
		MeterRegistry meters = notes.getBean(MeterRegistry.class);
		assertThat(meters.get("phanes.event.failed").tags("transport", "local", "topic", topic).counter().count())
			.isEqualTo(5);
	}

	@Test
	void aPoisonEventEndsInTheDeadLetterTopicAfterTheRetriesWhileLaterEventsFlow() {
		String topic = "payments-poison";
		EventBus shop = service("shop").getBean(EventBus.class);
		ConfigurableApplicationContext consumer = service("payments", "--phanes.event.kafka.retry.max-attempts=3");
		AtomicInteger poisonAttempts = new AtomicInteger();
		List<String> handled = new CopyOnWriteArrayList<>();
		consumer.getBean(EventBus.class).subscribe(topic, "payments", Note.class, (event) -> {
			if (event.payload().text().equals("poison")) {
				poisonAttempts.incrementAndGet();
				throw new IllegalStateException("cannot pay " + event.payload().text());
			}
			handled.add(event.payload().text());
		});
		shop.publish(topic, "customer-1", new Note("poison"), Map.of()).join();
		for (int i = 0; i < 5; i++) {
			shop.publish(topic, "customer-1", new Note("ok-" + i), Map.of()).join();
		}
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(handled).containsExactly("ok-0", "ok-1", "ok-2", "ok-3", "ok-4"));
		assertThat(poisonAttempts).hasValue(3);
		List<ConsumerRecord<String, byte[]>> dead = readAll(topic + "-dlt", 1);
		assertThat(header(dead.get(0), "kafka_dlt-exception-message")).contains("cannot pay poison");
		assertThat(header(dead.get(0), EventHeaders.TYPE)).isEqualTo("Note");
		MeterRegistry meters = consumer.getBean(MeterRegistry.class);
		assertThat(meters.get("phanes.event.retried").tag("topic", topic).counter().count()).isEqualTo(2);
		assertThat(meters.get("phanes.event.dead.lettered").tag("topic", topic).counter().count()).isOne();
		assertThat(meters.get("phanes.event.deliver").tags("topic", topic, "outcome", "success").timer().count())
			.isEqualTo(5);
	}

	@Test
	void badInputGoesToTheDeadLetterTopicWithItsReasonAndAnOversizedEventFailsItsPublication() {
		String topic = "bad-input";
		EventBus shop = service("shop").getBean(EventBus.class);
		ConfigurableApplicationContext consumer = service("reader");
		List<String> handled = new CopyOnWriteArrayList<>();
		consumer.getBean(EventBus.class)
			.subscribe(topic, "reader", Note.class, (event) -> handled.add(event.payload().text()));
		try (KafkaProducer<String, byte[]> producer = rawProducer()) {
			ProducerRecord<String, byte[]> ghost = new ProducerRecord<>(topic, "k", json("{\"text\":\"x\"}"));
			ghost.headers().add(EventHeaders.TYPE, json("java.lang.ProcessBuilder"));
			producer.send(ghost);
			producer.send(new ProducerRecord<>(topic, "k", json("{\"text\":\"no type\"}")));
			ProducerRecord<String, byte[]> broken = new ProducerRecord<>(topic, "k", json("{not json"));
			broken.headers().add(EventHeaders.TYPE, json("Note"));
			producer.send(broken);
			producer.flush();
		}
		shop.publish(topic, "k", new Note("fine"), Map.of()).join();
		await().atMost(WAIT).untilAsserted(() -> assertThat(handled).containsExactly("fine"));
		List<String> reasons = readAll(topic + "-dlt", 3).stream()
			.map((record) -> header(record, "kafka_dlt-exception-message"))
			.toList();
		assertThat(reasons).satisfiesExactly(
				(reason) -> assertThat(reason).contains("'java.lang.ProcessBuilder', which is not registered"),
				(reason) -> assertThat(reason).contains("no phanes-event-type header"),
				(reason) -> assertThat(reason).contains("is not a valid 'Note'"));
		assertThat(consumer.getBean(MeterRegistry.class).find("phanes.event.retried").counter()).isNull();
		CompletableFuture<Event<Note>> oversized = shop.publish(topic, new Note("x".repeat(1_100_000)));
		assertThatThrownBy(oversized::join).hasCauseInstanceOf(EventTooLargeException.class)
			.hasMessageContaining("phanes.event.max-size");
	}

	private static byte[] json(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String header(ConsumerRecord<String, byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	private static KafkaProducer<String, byte[]> rawProducer() {
		return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
				new StringSerializer(), new ByteArraySerializer());
	}

	private static KafkaConsumer<String, byte[]> rawConsumer() {
		return new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
						ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
				new StringDeserializer(), new ByteArrayDeserializer());
	}

	private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
		List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
		try (KafkaConsumer<String, byte[]> consumer = rawConsumer()) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic)
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			await().atMost(WAIT).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
				return records.size() >= expected;
			});
		}
		records.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
		assertThat(records).hasSize(expected);
		return records;
	}

	private static long recordsIn(String topic) {
		try (KafkaConsumer<String, byte[]> consumer = rawConsumer()) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic)
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
		}
	}

}
