package dev.phanes.event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of the Phanes event bus.
 */
@ConfigurationProperties("phanes.event")
public class EventProperties implements Validator {

	/**
	 * Whether to auto-configure an EventBus.
	 */
	private boolean enabled = true;

	/**
	 * Transport of the event bus.
	 */
	private Type type = Type.LOCAL;

	/**
	 * Consumer group of @Subscribe methods that name none and of the application's
	 * @EventListener methods for events from other services. Defaults to
	 * spring.application.name, or "application".
	 */
	private @Nullable String group;

	/**
	 * Payload types allowed on the wire, by logical name (the @EventName or simple class
	 * name). Types of subscriptions and publications are added on their own.
	 */
	private Map<String, Class<?>> types = new LinkedHashMap<>();

	/**
	 * Largest serialised payload a transport sends; larger ones fail with
	 * EventTooLargeException. Keep it below the broker's message.max.bytes.
	 */
	private DataSize maxSize = DataSize.ofKilobytes(1000);

	private final Kafka kafka = new Kafka();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Type getType() {
		return this.type;
	}

	public void setType(Type type) {
		this.type = type;
	}

	public @Nullable String getGroup() {
		return this.group;
	}

	public void setGroup(@Nullable String group) {
		this.group = group;
	}

	public Map<String, Class<?>> getTypes() {
		return this.types;
	}

	public void setTypes(Map<String, Class<?>> types) {
		this.types = types;
	}

	public DataSize getMaxSize() {
		return this.maxSize;
	}

	public void setMaxSize(DataSize maxSize) {
		this.maxSize = maxSize;
	}

	public Kafka getKafka() {
		return this.kafka;
	}

	/**
	 * Transport of the event bus.
	 */
	public enum Type {

		/**
		 * In-process only, through the ApplicationEventMulticaster.
		 */
		LOCAL,

		/**
		 * In-process and between services over Kafka (spring-kafka and
		 * spring.kafka.bootstrap-servers).
		 */
		KAFKA

	}

	@Override
	public boolean supports(Class<?> type) {
		return EventProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values at binding, so that an invalid one fails start-up naming the
	 * property, its value and what it must be.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		if (this.maxSize.toBytes() < 1) {
			errors.rejectValue("maxSize", "invalid", "must be a positive size");
		}
		if (this.kafka.getDeliveryTimeout().isNegative() || this.kafka.getDeliveryTimeout().isZero()) {
			errors.rejectValue("kafka.deliveryTimeout", "invalid", "must be a positive duration");
		}
		if (this.kafka.getRetry().getMaxAttempts() < 1) {
			errors.rejectValue("kafka.retry.maxAttempts", "invalid", "must be at least 1");
		}
		if (this.kafka.getRetry().getInitialInterval().isNegative()
				|| this.kafka.getRetry().getInitialInterval().isZero()) {
			errors.rejectValue("kafka.retry.initialInterval", "invalid", "must be a positive duration");
		}
		if (this.kafka.getRetry().getMultiplier() < 1) {
			errors.rejectValue("kafka.retry.multiplier", "invalid", "must be at least 1");
		}
		if (this.kafka.getRetry().getMaxInterval().isNegative() || this.kafka.getRetry().getMaxInterval().isZero()) {
			errors.rejectValue("kafka.retry.maxInterval", "invalid", "must be a positive duration");
		}
		if (this.kafka.getTopic().getPartitions() < 1) {
			errors.rejectValue("kafka.topic.partitions", "invalid", "must be at least 1");
		}
	}

	/**
	 * Kafka transport settings; connection, security and client settings are Spring
	 * Boot's spring.kafka.* properties.
	 */
	public static class Kafka {

		/**
		 * How long a publication may wait for the broker's acknowledgement, retries
		 * included, before its completion fails (the producer's delivery.timeout.ms).
		 */
		private Duration deliveryTimeout = Duration.ofMinutes(2);

		/**
		 * Suffix of the dead-letter topic of each topic.
		 */
		private String deadLetterSuffix = "-dlt";

		/**
		 * Topics whose events from other services are multicast to this application's
		 * @EventListener methods, consumed in phanes.event.group.
		 */
		private List<String> listenTopics = new ArrayList<>();

		private final Retry retry = new Retry();

		private final Topic topic = new Topic();

		public Duration getDeliveryTimeout() {
			return this.deliveryTimeout;
		}

		public void setDeliveryTimeout(Duration deliveryTimeout) {
			this.deliveryTimeout = deliveryTimeout;
		}

		public String getDeadLetterSuffix() {
			return this.deadLetterSuffix;
		}

		public void setDeadLetterSuffix(String deadLetterSuffix) {
			this.deadLetterSuffix = deadLetterSuffix;
		}

		public List<String> getListenTopics() {
			return this.listenTopics;
		}

		public void setListenTopics(List<String> listenTopics) {
			this.listenTopics = listenTopics;
		}

		public Retry getRetry() {
			return this.retry;
		}

		public Topic getTopic() {
			return this.topic;
		}

	}

	/**
	 * Redelivery of an event whose handler failed, before it goes to the dead-letter
	 * topic.
	 */
	public static class Retry {

		/**
		 * Deliveries of a failing event in all, the first included.
		 */
		private int maxAttempts = 3;

		/**
		 * Wait before the first redelivery.
		 */
		private Duration initialInterval = Duration.ofSeconds(1);

		/**
		 * Factor applied to the wait after each redelivery.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest wait between redeliveries.
		 */
		private Duration maxInterval = Duration.ofSeconds(10);

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

	}

	/**
	 * Creation of topics and their dead-letter topics.
	 */
	public static class Topic {

		/**
		 * Whether to create each topic and its dead-letter topic when it is first
		 * published or subscribed to. Existing topics are left as they are.
		 */
		private boolean create;

		/**
		 * Partitions of created topics.
		 */
		private int partitions = 1;

		/**
		 * Replication factor of created topics.
		 */
		private short replicas = 1;

		public boolean isCreate() {
			return this.create;
		}

		public void setCreate(boolean create) {
			this.create = create;
		}

		public int getPartitions() {
			return this.partitions;
		}

		public void setPartitions(int partitions) {
			this.partitions = partitions;
		}

		public short getReplicas() {
			return this.replicas;
		}

		public void setReplicas(short replicas) {
			this.replicas = replicas;
		}

	}

}
