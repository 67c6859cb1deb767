package dev.phanes.event.kafka;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.phanes.event.Event;
import dev.phanes.event.EventMetrics;
import dev.phanes.event.EventTransport;
import dev.phanes.event.EventTypes;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;

/**
 * The event transport over Kafka, built on Spring Boot's Kafka auto-configuration: its
 * producer factory (made idempotent with {@code acks=all}) for sending, and its listener
 * container factory, one container per topic and group joined, for receiving. Delivery is
 * at least once: offsets are committed after the receiver returns; a failing event is
 * retried with backoff and then moved to the dead-letter topic. Listeners run between
 * {@link #start()} and {@link #stop()}. Thread-safe.
 */
public class KafkaEventTransport implements EventTransport, SmartLifecycle, DisposableBean {

	private final KafkaEventCodec codec;

	private final KafkaEventSender sender;

	private final KafkaEventListeners listeners;

	/**
	 * Create a Kafka transport.
	 * @param types the allow-list of payload types
	 * @param settings the transport's settings
	 * @param producerFactory Boot's producer factory, copied with the transport's
	 * serialisers and delivery guarantees
	 * @param containerFactory Boot's listener container factory
	 * @param admin Boot's Kafka admin, to create topics, or {@code null}
	 * @param jsonMapper the JSON mapper of payloads
	 * @param registry the observation registry of the template and the containers
	 * @param metrics where redeliveries and dead letters are counted
	 */
	public KafkaEventTransport(EventTypes types, KafkaEventSettings settings, ProducerFactory<?, ?> producerFactory,
			ConcurrentKafkaListenerContainerFactory<?, ?> containerFactory, @Nullable KafkaAdmin admin,
			JsonMapper jsonMapper, ObservationRegistry registry, EventMetrics metrics) {
		KafkaTopics topics = new KafkaTopics(settings, admin);
		this.codec = new KafkaEventCodec(types, jsonMapper, settings.maxSize());
		this.sender = new KafkaEventSender(producerFactory, settings, topics, registry);
		this.listeners = new KafkaEventListeners(containerFactory, this.codec, topics,
				KafkaDeadLetters.errorHandler(settings, this.sender.deadLetterTemplate(), metrics), registry,
				settings.consumerOverrides());
	}

	@Override
	public String name() {
		return "kafka";
	}

	@Override
	public CompletableFuture<Void> send(Event<?> event, Set<String> deliveredGroups) {
		ProducerRecord<String, byte[]> record;
		try {
			record = this.codec.encode(event, deliveredGroups);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return this.sender.send(event, record);
	}

	@Override
	public void join(String topic, String group, Receiver receiver) {
		this.listeners.join(topic, group, receiver);
	}

	@Override
	public void leave(String topic, String group) {
		this.listeners.leave(topic, group);
	}

	@Override
	public void start() {
		this.listeners.start();
	}

	@Override
	public void stop() {
		this.listeners.stop();
	}

	@Override
	public boolean isRunning() {
		return this.listeners.isRunning();
	}

	@Override
	public void destroy() throws Exception {
		stop();
		this.sender.destroy();
	}

}
