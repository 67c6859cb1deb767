package dev.phanes.event.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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
			ledger.getBean(EventBus.class)
				.subscribe(topic, "ledger", Note.class,
						(event) -> received.computeIfAbsent(event.id(), (id) -> new AtomicInteger()).incrementAndGet());
			List<String> acknowledged = new ArrayList<>(ids(publish(bus, topic, 0, 20)));
			await().atMost(WAIT).until(() -> received.keySet().containsAll(acknowledged));
			broker.stop();
			List<CompletableFuture<Event<Note>>> duringOutage = publish(bus, topic, 20, 40);
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

	private static List<CompletableFuture<Event<Note>>> publish(EventBus bus, String topic, int from, int to) {
		List<CompletableFuture<Event<Note>>> futures = new ArrayList<>();
		for (int i = from; i < to; i++) {
			futures.add(bus.publish(topic, "key-" + (i % 3), new Note("n" + i), Map.of()));
		}
		return futures;
	}

	private static List<String> ids(List<CompletableFuture<Event<Note>>> futures) {
		return futures.stream().map((future) -> future.join().id()).toList();
	}

}
