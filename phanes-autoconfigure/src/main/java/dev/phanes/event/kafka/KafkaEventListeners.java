package dev.phanes.event.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.phanes.event.Event;
import dev.phanes.event.EventTransport;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListener;

/**
 * The listener containers of the transport: one per topic and group joined in this
 * process, from Boot's listener container factory, with the group as Kafka consumer
 * group, observation on, and the transport's error handler. A record whose event the
 * publishing process already delivered to the group is skipped; any other is decoded and
 * handed to the group's receiver, and offsets are committed after it returns. Containers
 * run between {@link #start()} and {@link #stop()}. Thread-safe.
 */
final class KafkaEventListeners {

	private final ConcurrentKafkaListenerContainerFactory<?, ?> factory;

	private final KafkaEventCodec codec;

	private final KafkaTopics topics;

	private final CommonErrorHandler errorHandler;

	private final ObservationRegistry registry;

	private final Map<String, Object> consumerOverrides;

	private final Map<TopicGroup, ConcurrentMessageListenerContainer<?, ?>> containers = new ConcurrentHashMap<>();

	private final Object lock = new Object();

	private volatile boolean running;

	KafkaEventListeners(ConcurrentKafkaListenerContainerFactory<?, ?> factory, KafkaEventCodec codec,
			KafkaTopics topics, CommonErrorHandler errorHandler, ObservationRegistry registry,
			Map<String, Object> consumerOverrides) {
		this.factory = factory;
		this.codec = codec;
		this.topics = topics;
		this.errorHandler = errorHandler;
		this.registry = registry;
		this.consumerOverrides = consumerOverrides;
	}

	void join(String topic, String group, EventTransport.Receiver receiver) {
		synchronized (this.lock) {
			ConcurrentMessageListenerContainer<?, ?> container = this.containers
				.computeIfAbsent(new TopicGroup(topic, group), (key) -> create(key, receiver));
			if (this.running && !container.isRunning()) {
				container.start();
			}
		}
	}

	void leave(String topic, String group) {
		ConcurrentMessageListenerContainer<?, ?> container;
		synchronized (this.lock) {
			container = this.containers.remove(new TopicGroup(topic, group));
		}
		if (container != null) {
			// Waits for the consumer, so that no record of the group is taken here once
			// the bus stopped counting the group as served here.
			container.stop();
		}
	}

	void start() {
		synchronized (this.lock) {
			this.running = true;
			this.containers.values().forEach(ConcurrentMessageListenerContainer::start);
		}
	}

	void stop() {
		synchronized (this.lock) {
			this.running = false;
			List<ConcurrentMessageListenerContainer<?, ?>> all = new ArrayList<>(this.containers.values());
			all.forEach(ConcurrentMessageListenerContainer::stop);
		}
	}

	boolean isRunning() {
		return this.running;
	}

	private ConcurrentMessageListenerContainer<?, ?> create(TopicGroup key, EventTransport.Receiver receiver) {
		// A broker that is down does not stop the application: the listener starts anyway
		// and is assigned the topic once it exists; until then health reports the broker.
		this.topics.createOrWarn(key.topic(), "listening anyway");
		ConcurrentMessageListenerContainer<?, ?> container = this.factory.createContainer(key.topic());
		ContainerProperties properties = container.getContainerProperties();
		properties.setGroupId(key.group());
		properties.setObservationEnabled(true);
		properties.setObservationRegistry(this.registry);
		Properties consumer = new Properties();
		consumer.putAll(this.consumerOverrides);
		consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
		consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
		properties.setKafkaConsumerProperties(consumer);
		properties
			.setMessageListener((MessageListener<String, byte[]>) (record) -> onRecord(key.group(), record, receiver));
		container.setCommonErrorHandler(this.errorHandler);
		container.setBeanName("phanes-event-" + key.topic() + "-" + key.group());
		return container;
	}

	private void onRecord(String group, ConsumerRecord<String, byte[]> record, EventTransport.Receiver receiver) {
		if (this.codec.isDelivered(record, group)) {
			return;
		}
		Event<?> event = this.codec.decode(record);
		try {
			receiver.receive(event);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new IllegalStateException("Subscriber of topic '" + record.topic() + "' in group '" + group
					+ "' failed on event " + event.id(), ex);
		}
	}

	private record TopicGroup(String topic, String group) {

	}

}
