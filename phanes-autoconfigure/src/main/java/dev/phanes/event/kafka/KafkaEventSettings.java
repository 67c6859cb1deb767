package dev.phanes.event.kafka;

import java.time.Duration;
import java.util.Map;

import dev.phanes.event.EventProperties;

/**
 * Settings of the Kafka transport.
 *
 * @param maxSize largest serialised payload in bytes
 * @param deliveryTimeout how long a publication may wait for the acknowledgement
 * @param deadLetterSuffix suffix of dead-letter topics
 * @param retry redelivery of failing events
 * @param topic creation of topics
 * @param consumerOverrides consumer properties of the transport's containers
 */
public record KafkaEventSettings(long maxSize, Duration deliveryTimeout, String deadLetterSuffix, Retry retry,
		Topic topic, Map<String, Object> consumerOverrides) {

	/**
	 * Create settings, copying the consumer overrides.
	 */
	public KafkaEventSettings {
		consumerOverrides = Map.copyOf(consumerOverrides);
	}

	/**
	 * Settings from the bus's properties.
	 * @param properties the properties
	 * @param consumerOverrides consumer properties of the transport's containers
	 * @return the settings
	 */
	public static KafkaEventSettings of(EventProperties properties, Map<String, Object> consumerOverrides) {
		EventProperties.Kafka kafka = properties.getKafka();
		EventProperties.Retry retry = kafka.getRetry();
		EventProperties.Topic topic = kafka.getTopic();
		return new KafkaEventSettings(properties.getMaxSize().toBytes(), kafka.getDeliveryTimeout(),
				kafka.getDeadLetterSuffix(),
				new Retry(retry.getMaxAttempts(), retry.getInitialInterval(), retry.getMultiplier(),
						retry.getMaxInterval()),
				new Topic(topic.isCreate(), topic.getPartitions(), topic.getReplicas()), consumerOverrides);
	}

	/**
	 * Redelivery of failing events.
	 *
	 * @param maxAttempts deliveries in all
	 * @param initialInterval first wait
	 * @param multiplier growth of the wait
	 * @param maxInterval longest wait
	 */
	public record Retry(int maxAttempts, Duration initialInterval, double multiplier, Duration maxInterval) {

	}

	/**
	 * Creation of topics.
	 *
	 * @param create whether to create them
	 * @param partitions partitions of created topics
	 * @param replicas replication factor of created topics
	 */
	public record Topic(boolean create, int partitions, short replicas) {

	}

}
