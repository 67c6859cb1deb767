package dev.phanes.event.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.event.Event;
import dev.phanes.event.EventBus;
import dev.phanes.event.EventPublishException;
import dev.phanes.event.kafka.KafkaEventService.Note;
import dev.phanes.test.RestartableKafkaExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka event bus through a broker outage: what was acknowledged is received, events
 * published while the broker is down complete once it returns within the delivery
 * timeout, and fail with a clear error after it.
 */
@ExtendWith(RestartableKafkaExtension.class)
class KafkaOutageIT {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@Test
	void everyAcknowledgedEventIsReceivedAcrossABrokerStopAndStart(RestartableKafkaExtension.Broker broker) {
		String topic = "ledger-outage";
		Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
		try (ConfigurableApplicationContext shop = KafkaEventService.run(broker.bootstrapServers(), "shop",
				"--phanes.event.kafka.delivery-timeout=60s");
				ConfigurableApplicationContext ledger = KafkaEventService.run(broker.bootstrapServers(), "ledger")) {
			EventBus bus = shop.getBean(EventBus.class);
			// The shop has never sent to the second topic, so its producer lacks the
			// topic's metadata when the broker goes away: sending blocks for it.
			String unsent = topic + "-unsent";
			createTopic(broker.bootstrapServers(), unsent);
			for (String subscribed : List.of(topic, unsent)) {
				ledger.getBean(EventBus.class)
					.subscribe(subscribed, "ledger", Note.class,
							(event) -> received.computeIfAbsent(event.id(), (id) -> new AtomicInteger())
								.incrementAndGet());
			}
			List<String> acknowledged = new ArrayList<>(ids(publish(bus, topic, 0, 20)));
			await().atMost(WAIT).until(() -> received.keySet().containsAll(acknowledged));
			broker.stop();
			// publish returns at once: the wait for the broker is the completion's.
			List<CompletableFuture<Event<Note>>> duringOutage = assertTimeoutPreemptively(Duration.ofSeconds(10),
					() -> {
						List<CompletableFuture<Event<Note>>> pending = new ArrayList<>(publish(bus, unsent, 20, 30));
						pending.addAll(publish(bus, topic, 30, 40));
						return pending;
					});
			await().during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(3))
				.until(() -> duringOutage.stream().noneMatch(CompletableFuture::isDone));
			broker.start();
			acknowledged.addAll(ids(duringOutage));
			await().atMost(WAIT).untilAsserted(() -> assertThat(received.keySet()).containsAll(acknowledged));
			assertThat(received.keySet()).hasSameSizeAs(Set.copyOf(acknowledged));
		}
	}

	@Test
	void neverBlocksThePublisherWhileTheBrokerIsAwayAndTheProducersBufferFills(
			RestartableKafkaExtension.Broker broker) {
		String topic = "ledger-buffer";
		Set<String> received = ConcurrentHashMap.newKeySet();
		try (ConfigurableApplicationContext shop = KafkaEventService.run(broker.bootstrapServers(), "shop",
				"--phanes.event.kafka.delivery-timeout=60s", "--spring.kafka.producer.buffer-memory=256KB");
				ConfigurableApplicationContext ledger = KafkaEventService.run(broker.bootstrapServers(), "ledger")) {
			ledger.getBean(EventBus.class).subscribe(topic, "ledger", Note.class, (event) -> received.add(event.id()));
			EventBus bus = shop.getBean(EventBus.class);
			List<String> acknowledged = new ArrayList<>(ids(publish(bus, topic, 0, 20)));
			await().atMost(WAIT).until(() -> received.containsAll(acknowledged));
			broker.stop();
			// Each record takes some 200 bytes of the 256 KiB buffer, ten times its
			// value:
			// 3000 of them fill it, and a publisher sending them itself would block.
			List<CompletableFuture<Event<Note>>> duringOutage = assertTimeoutPreemptively(Duration.ofSeconds(20),
					() -> publish(bus, topic, 20, 3020));
			assertThat(duringOutage).noneMatch(CompletableFuture::isCompletedExceptionally);
			broker.start();
			acknowledged.addAll(ids(duringOutage));
			await().atMost(WAIT).untilAsserted(() -> assertThat(received).containsAll(acknowledged));
		}
	}

	@Test
	void aPublicationFailsWithAClearErrorWhenTheBrokerStaysAwayPastTheDeliveryTimeout(
			RestartableKafkaExtension.Broker broker) {
		String topic = "ledger-timeout";
		try (ConfigurableApplicationContext shop = KafkaEventService.run(broker.bootstrapServers(), "shop",
				"--phanes.event.kafka.delivery-timeout=4s")) {
			EventBus bus = shop.getBean(EventBus.class);
			bus.publish(topic, new Note("before")).join();
			broker.stop();
			try {
				long start = System.nanoTime();
				CompletableFuture<Event<Note>> lost = bus.publish(topic, new Note("during"));
				assertThatThrownBy(lost::join).hasCauseInstanceOf(EventPublishException.class)
					.hasMessageContaining("was not acknowledged by Kafka within PT4S")
					.hasMessageContaining("phanes.event.kafka.delivery-timeout");
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(3))
					.isLessThan(Duration.ofSeconds(30));
			}
			finally {
				broker.start();
			}
		}
	}

	@Test
	void startsWhileTheBrokerIsDownAndDeliversOnceItIsBack(RestartableKafkaExtension.Broker broker) {
		String topic = "ledger-cold-start";
		Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
		broker.stop();
		try {
			// Topic creation gives up after the admin's operation timeout, then waits for
			// the admin client to close, which waits for its pending calls up to the
			// client's default.api.timeout.ms (60 s unless set, as docs/events.md says).
			String[] arguments = { "--spring.kafka.admin.operation-timeout=2s",
					"--spring.kafka.admin.properties.default.api.timeout.ms=3000",
					"--phanes.event.kafka.delivery-timeout=120s" };
			try (ConfigurableApplicationContext shop = KafkaEventService.run(broker.bootstrapServers(), "shop",
					arguments);
					ConfigurableApplicationContext ledger = KafkaEventService.run(broker.bootstrapServers(), "ledger",
							arguments)) {
				ledger.getBean(EventBus.class)
					.subscribe(topic, "ledger", Note.class,
							(event) -> received.computeIfAbsent(event.id(), (id) -> new AtomicInteger())
								.incrementAndGet());
				List<CompletableFuture<Event<Note>>> pending = publish(shop.getBean(EventBus.class), topic, 0, 10);
				assertThat(pending).noneMatch(CompletableFuture::isDone);
				broker.start();
				List<String> acknowledged = ids(pending);
				await().atMost(WAIT).untilAsserted(() -> assertThat(received.keySet()).containsAll(acknowledged));
				assertThat(received.keySet()).hasSameSizeAs(Set.copyOf(acknowledged));
			}
		}
		finally {
			broker.start();
		}
	}

	private static List<CompletableFuture<Event<Note>>> publish(EventBus bus, String topic, int from, int to) {
		List<CompletableFuture<Event<Note>>> futures = new ArrayList<>();
		for (int i = from; i < to; i++) {
			futures.add(bus.publish(topic, "key-" + (i % 3), new Note("n" + i), Map.of()));
		}
		return futures;
	}

	private static void createTopic(String bootstrapServers, String topic) {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
			admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not create topic " + topic, ex);
		}
	}

	private static List<String> ids(List<CompletableFuture<Event<Note>>> futures) {
		return futures.stream().map((future) -> future.join().id()).toList();
	}

}
