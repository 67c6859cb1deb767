package dev.phanes.event.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.phanes.event.Event;
import dev.phanes.event.EventDeserializationException;
import dev.phanes.event.EventHeaders;
import dev.phanes.event.EventProperties;
import dev.phanes.event.EventPublishException;
import dev.phanes.event.EventTooLargeException;
import dev.phanes.event.EventTypes;
import dev.phanes.event.InProcessEventBus;
import dev.phanes.event.UnknownEventTypeException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;
import org.springframework.util.StringUtils;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The event bus over Kafka, built on Spring Boot's Kafka auto-configuration: its producer
 * factory (made idempotent with {@code acks=all}) and its listener container factory, one
 * container per topic and group subscribed in this process. Payloads travel as JSON with
 * a logical type name in a header, resolved through the {@link EventTypes} allow-list.
 * Subscribers in the publishing process receive an event once, locally; consumers of
 * those groups elsewhere skip it. Delivery is at least once: offsets are committed after
 * the handler returns; a failing event is retried with backoff and then moved to the
 * dead-letter topic. Thread-safe.
 */
public class KafkaEventBus extends InProcessEventBus implements SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(KafkaEventBus.class);

	private static final String TRANSPORT = "kafka";

	/**
	 * Publications that may wait for the sender thread, beyond which publish fails at
	 * once.
	 */
	static final int MAX_PENDING = 10_000;

	private final Settings settings;

	private final ProducerFactory<String, byte[]> producerFactory;

	private final KafkaTemplate<String, byte[]> template;

	private final ConcurrentKafkaListenerContainerFactory<?, ?> containerFactory;

	private final @Nullable KafkaAdmin admin;

	private final JacksonJsonSerializer<Object> serializer;

	private final JacksonJsonDeserializer<Object> deserializer;

	private final DefaultErrorHandler errorHandler;

	private final Map<TopicGroup, ConcurrentMessageListenerContainer<?, ?>> containers = new ConcurrentHashMap<>();

	private final Set<String> createdTopics = ConcurrentHashMap.newKeySet();

	private final Set<String> uncreatedTopics = ConcurrentHashMap.newKeySet();

	private final Map<String, byte[]> typeHeaders = new ConcurrentHashMap<>();

	// per topic; forgotten whenever a group joins or leaves
	private final Map<String, byte[]> deliveredHeaders = new ConcurrentHashMap<>();

	// KafkaProducer.send blocks the caller for topic metadata (up to max.block.ms) while
	// the broker is away: publications go to Kafka from one thread, which keeps their
	// order, and publish returns at once with a pending completion.
	private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
			new LinkedBlockingQueue<>(MAX_PENDING), (task) -> {
				Thread thread = new Thread(task, "phanes-event-sender");
				thread.setDaemon(true);
				return thread;
			});

	private final Object lifecycleLock = new Object();

	private volatile boolean running;

	/**
	 * Create a Kafka event bus.
	 * @param publisher the application's event publisher
	 * @param types the allow-list of payload types
	 * @param observability where observations and counts go
	 * @param settings the bus settings
	 * @param producerFactory Boot's producer factory, copied with the bus's serialisers
	 * and delivery guarantees
	 * @param containerFactory Boot's listener container factory
	 * @param admin Boot's Kafka admin, to create topics, or {@code null}
	 * @param jsonMapper the JSON mapper of payloads
	 */
	public KafkaEventBus(ApplicationEventPublisher publisher, EventTypes types, Observability observability,
			Settings settings, ProducerFactory<?, ?> producerFactory,
			ConcurrentKafkaListenerContainerFactory<?, ?> containerFactory, @Nullable KafkaAdmin admin,
			JsonMapper jsonMapper) {
		super(publisher, types, observability, settings.applicationGroup());
		this.settings = settings;
		this.producerFactory = producerOverrides(producerFactory, settings);
		this.template = new KafkaTemplate<>(this.producerFactory);
		this.template.setObservationEnabled(true);
		this.template.setObservationRegistry(observability.registry());
		this.containerFactory = containerFactory;
		this.admin = admin;
		this.serializer = new JacksonJsonSerializer<>(jsonMapper).noTypeInfo();
		this.deserializer = new JacksonJsonDeserializer<>(jsonMapper).ignoreTypeHeaders()
			.typeFunction((data, headers) -> jsonMapper.constructType(payloadType(headers)));
		this.errorHandler = errorHandler();
	}

	@SuppressWarnings("unchecked")
	private static ProducerFactory<String, byte[]> producerOverrides(ProducerFactory<?, ?> factory, Settings settings) {
		int deliveryTimeout = (int) Math.min(Integer.MAX_VALUE, settings.deliveryTimeout().toMillis());
		Map<String, Object> overrides = new HashMap<>();
		overrides.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		overrides.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
		overrides.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		overrides.put(ProducerConfig.ACKS_CONFIG, "all");
		overrides.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeout);
		// delivery.timeout.ms must cover linger.ms + request.timeout.ms
		overrides.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(30_000, deliveryTimeout / 2));
		overrides.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryTimeout);
		overrides.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
				(int) Math.max(1_048_576, settings.maxSize() + 64 * 1024));
		return (ProducerFactory<String, byte[]>) factory.copyWithConfigurationOverride(overrides);
	}

	private DefaultErrorHandler errorHandler() {
		DeadLetterPublishingRecoverer deadLetters = new DeadLetterPublishingRecoverer(this.template,
				(record, ex) -> new TopicPartition(record.topic() + this.settings.deadLetterSuffix(), -1));
		ConsumerAwareRecordRecoverer recoverer = (record, consumer, ex) -> {
			deadLetters.accept(record, consumer, ex);
			observability().metrics().deadLettered(TRANSPORT, record.topic());
			logger.error("Event at " + record.topic() + "-" + record.partition() + "@" + record.offset() + " moved to "
					+ record.topic() + this.settings.deadLetterSuffix() + ": " + ex.getMessage());
		};
		Settings.Retry retry = this.settings.retry();
		ExponentialBackOff backOff = new ExponentialBackOff(retry.initialInterval().toMillis(), retry.multiplier());
		backOff.setMaxInterval(retry.maxInterval().toMillis());
		backOff.setMaxAttempts(Math.max(0, retry.maxAttempts() - 1));
		DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, backOff);
		handler.addNotRetryableExceptions(UnknownEventTypeException.class, EventDeserializationException.class);
		handler.setRetryListeners(new RetryListener() {

			@Override
			public void failedDelivery(ConsumerRecord<?, ?> record, Exception ex, int deliveryAttempt) {
				if (deliveryAttempt < retry.maxAttempts() && !isPoison(ex)) {
					observability().metrics().retried(TRANSPORT, record.topic());
				}
			}

		});
		return handler;
	}

	private static boolean isPoison(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof UnknownEventTypeException || cause instanceof EventDeserializationException) {
				return true;
			}
		}
		return false;
	}

	@Override
	protected String transport() {
		return TRANSPORT;
	}

	@Override
	protected CompletableFuture<Void> transmit(Event<?> event, Set<String> undelivered) {
		ProducerRecord<String, byte[]> record;
		try {
			byte[] value = this.serializer.serialize(event.topic(), event.payload());
			if (value.length > this.settings.maxSize()) {
				return CompletableFuture
					.failedFuture(new EventTooLargeException(event.topic(), value.length, this.settings.maxSize()));
			}
			record = new ProducerRecord<>(event.topic(), null, event.timestamp().toEpochMilli(), event.key(), value,
					headers(event, undelivered));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		Send send = new Send(event, record, observability().registry().getCurrentObservation(),
				System.nanoTime() + this.settings.deliveryTimeout().toNanos());
		try {
			this.sender.execute(send);
		}
		catch (RejectedExecutionException ex) {
			send.fail(new EventPublishException("Event " + event.id() + " to topic '" + event.topic()
					+ "' was not sent: " + (this.sender.isShutdown() ? "the event bus is closed"
							: MAX_PENDING + " publications are already waiting for Kafka"),
					ex));
		}
		return send.done;
	}

	private EventPublishException notAcknowledged(Event<?> event, Throwable ex) {
		Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
		return new EventPublishException("Event " + event.id() + " to topic '" + event.topic()
				+ "' was not acknowledged by Kafka within " + this.settings.deliveryTimeout()
				+ " (phanes.event.kafka.delivery-timeout); other services did not receive it: " + cause, cause);
	}

	private Headers headers(Event<?> event, Set<String> undelivered) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(EventHeaders.ID, bytes(event.id()));
		headers.add(EventHeaders.TYPE, this.typeHeaders.computeIfAbsent(event.type(), KafkaEventBus::bytes));
		headers.add(EventHeaders.DELIVERED_GROUPS,
				undelivered.isEmpty()
						? this.deliveredHeaders.computeIfAbsent(event.topic(),
								(topic) -> deliveredGroups(topic, undelivered))
						: deliveredGroups(event.topic(), undelivered));
		event.headers().forEach((name, value) -> headers.add(name, bytes(value)));
		return headers;
	}

	/**
	 * The groups that received an event in this process, which consumers of those groups
	 * skip; a group whose subscriber failed here is left out, so that Kafka delivers the
	 * event to it again (with retries and the dead-letter topic).
	 */
	private byte[] deliveredGroups(String topic, Set<String> undelivered) {
		Set<String> groups = new LinkedHashSet<>(localGroups(topic));
		groups.removeAll(undelivered);
		return bytes(String.join(",", groups));
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static @Nullable String header(Headers headers, String name) {
		Header header = headers.lastHeader(name);
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	private Class<?> payloadType(Headers headers) {
		String name = header(headers, EventHeaders.TYPE);
		return (name != null) ? types().typeOf(name).orElse(Object.class) : Object.class;
	}

	@Override
	protected void groupJoined(String topic, String group, Class<?> type) {
		this.deliveredHeaders.remove(topic);
		container(topic, group);
	}

	@Override
	protected void groupLeft(String topic, String group) {
		this.deliveredHeaders.remove(topic);
		if (group.equals(applicationGroup()) && this.settings.listenTopics().contains(topic)) {
			return;
		}
		ConcurrentMessageListenerContainer<?, ?> container = this.containers.remove(new TopicGroup(topic, group));
		if (container != null) {
			container.stop();
		}
	}

	private void container(String topic, String group) {
		synchronized (this.lifecycleLock) {
			ConcurrentMessageListenerContainer<?, ?> container = this.containers
				.computeIfAbsent(new TopicGroup(topic, group), this::createContainer);
			if (this.running && !container.isRunning()) {
				container.start();
			}
		}
	}

	private ConcurrentMessageListenerContainer<?, ?> createContainer(TopicGroup key) {
		// A broker that is down does not stop the application: the listener starts anyway
		// and is assigned the topic once it exists; until then health reports the broker.
		createTopicOrWarn(key.topic(), "listening anyway");
		ConcurrentMessageListenerContainer<?, ?> container = this.containerFactory.createContainer(key.topic());
		ContainerProperties properties = container.getContainerProperties();
		properties.setGroupId(key.group());
		properties.setObservationEnabled(true);
		properties.setObservationRegistry(observability().registry());
		Properties consumer = new Properties();
		consumer.putAll(this.settings.consumerOverrides());
		consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
		consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
		properties.setKafkaConsumerProperties(consumer);
		properties.setMessageListener((MessageListener<String, byte[]>) (record) -> onRecord(key, record));
		container.setCommonErrorHandler(this.errorHandler);
		container.setBeanName("phanes-event-" + key.topic() + "-" + key.group());
		return container;
	}

	private void onRecord(TopicGroup key, ConsumerRecord<String, byte[]> record) {
		String delivered = header(record.headers(), EventHeaders.DELIVERED_GROUPS);
		if (delivered != null && StringUtils.commaDelimitedListToSet(delivered).contains(key.group())) {
			return;
		}
		Event<?> event = decode(record);
		if (key.group().equals(applicationGroup()) && this.settings.listenTopics().contains(key.topic())) {
			multicastRemote(event);
		}
		try {
			deliver(event, key.group());
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new IllegalStateException("Subscriber of topic '" + key.topic() + "' in group '" + key.group()
					+ "' failed on event " + event.id(), ex);
		}
	}

	private Event<?> decode(ConsumerRecord<String, byte[]> record) {
		String type = header(record.headers(), EventHeaders.TYPE);
		if (type == null || types().typeOf(type).isEmpty()) {
			throw UnknownEventTypeException.notRegistered(record.topic(), type);
		}
		String id = header(record.headers(), EventHeaders.ID);
		if (id == null) {
			id = record.topic() + "-" + record.partition() + "@" + record.offset();
		}
		Object payload;
		try {
			payload = (record.value() != null)
					? this.deserializer.deserialize(record.topic(), record.headers(), record.value()) : null;
		}
		catch (RuntimeException ex) {
			throw new EventDeserializationException("Payload of event " + id + " on topic '" + record.topic()
					+ "' is not a valid '" + type + "': " + ex.getMessage(), ex);
		}
		if (payload == null) {
			throw new EventDeserializationException("Event " + id + " on topic '" + record.topic() + "' has no payload",
					new NullPointerException());
		}
		Map<String, String> headers = new LinkedHashMap<>();
		for (Header header : record.headers()) {
			if (!header.key().startsWith(EventHeaders.PREFIX) && header.value() != null) {
				headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
			}
		}
		return new Event<>(id, record.topic(), record.key(), type, Instant.ofEpochMilli(record.timestamp()), headers,
				payload);
	}

	// A topic that cannot be created now (the broker is down) is created by the next
	// publication or subscription; meanwhile the broker creates it on first use if it
	// is allowed to (auto.create.topics.enable).
	// One WARN a topic until its creation succeeds, not one for each publication.
	private void createTopicOrWarn(String topic, String meanwhile) {
		try {
			createTopic(topic);
			this.uncreatedTopics.remove(topic);
		}
		catch (RuntimeException ex) {
			if (this.uncreatedTopics.add(topic)) {
				logger.warn("Could not create topic '" + topic + "' (is the broker down?); " + meanwhile
						+ ", and creation is tried again on the next publication: " + ex.getMessage());
			}
			else {
				logger.debug("Could not create topic '" + topic + "' again: " + ex.getMessage());
			}
		}
	}

	private void createTopic(String topic) {
		Settings.Topic creation = this.settings.topic();
		if (!creation.create() || this.admin == null || !this.createdTopics.add(topic)) {
			return;
		}
		try {
			this.admin.createOrModifyTopics(new NewTopic(topic, creation.partitions(), creation.replicas()),
					new NewTopic(topic + this.settings.deadLetterSuffix(), creation.partitions(), creation.replicas()));
		}
		catch (RuntimeException ex) {
			this.createdTopics.remove(topic);
			throw ex;
		}
	}

	@Override
	public void start() {
		synchronized (this.lifecycleLock) {
			this.running = true;
			for (String topic : this.settings.listenTopics()) {
				this.containers.computeIfAbsent(new TopicGroup(topic, applicationGroup()), this::createContainer);
			}
			this.containers.values().forEach(ConcurrentMessageListenerContainer::start);
		}
	}

	@Override
	public void stop() {
		synchronized (this.lifecycleLock) {
			this.running = false;
			List<ConcurrentMessageListenerContainer<?, ?>> all = new ArrayList<>(this.containers.values());
			all.forEach(ConcurrentMessageListenerContainer::stop);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void destroy() throws Exception {
		stop();
		this.sender.shutdown();
		if (!this.sender.awaitTermination(5, TimeUnit.SECONDS)) {
			for (Runnable waiting : this.sender.shutdownNow()) {
				((Send) waiting).fail(new EventPublishException("The event bus closed before the event was sent",
						new TimeoutException()));
			}
		}
		this.template.destroy();
		if (this.producerFactory instanceof DisposableBean disposable) {
			disposable.destroy();
		}
	}

	/**
	 * One publication on its way to Kafka, sent on the sender thread.
	 */
	private final class Send implements Runnable {

		private final Event<?> event;

		private final ProducerRecord<String, byte[]> record;

		private final @Nullable Observation parent;

		private final long deadline;

		private final CompletableFuture<Void> done = new CompletableFuture<>();

		Send(Event<?> event, ProducerRecord<String, byte[]> record, @Nullable Observation parent, long deadline) {
			this.event = event;
			this.record = record;
			this.parent = parent;
			this.deadline = deadline;
		}

		@Override
		public void run() {
			if (System.nanoTime() - this.deadline > 0) {
				fail(notAcknowledged(this.event,
						new TimeoutException("waited for the sends before it until the delivery timeout")));
				return;
			}
			// The publish observation stays the parent of the template's, on this thread
			// too.
			try (Observation.Scope scope = (this.parent != null) ? this.parent.openScope() : null) {
				createTopicOrWarn(this.event.topic(), "sending anyway");
				KafkaEventBus.this.template.send(this.record).whenComplete((result, ex) -> {
					if (ex != null) {
						fail(notAcknowledged(this.event, ex));
					}
					else {
						this.done.complete(null);
					}
				});
			}
			catch (RuntimeException ex) {
				fail(notAcknowledged(this.event, ex));
			}
		}

		void fail(Throwable ex) {
			this.done.completeExceptionally(ex);
		}

	}

	private record TopicGroup(String topic, String group) {

	}

	/**
	 * Settings of a Kafka event bus.
	 *
	 * @param applicationGroup the group of the application's {@code @EventListener}
	 * methods
	 * @param listenTopics topics multicast to those methods
	 * @param maxSize largest serialised payload in bytes
	 * @param deliveryTimeout how long a publication may wait for the acknowledgement
	 * @param deadLetterSuffix suffix of dead-letter topics
	 * @param retry redelivery of failing events
	 * @param topic creation of topics
	 * @param consumerOverrides consumer properties of the bus's containers
	 */
	public record Settings(String applicationGroup, Set<String> listenTopics, long maxSize, Duration deliveryTimeout,
			String deadLetterSuffix, Retry retry, Topic topic, Map<String, Object> consumerOverrides) {

		/**
		 * Settings from the bus's properties.
		 * @param properties the properties
		 * @param applicationGroup the application's group
		 * @param consumerOverrides consumer properties of the bus's containers
		 * @return the settings
		 */
		public static Settings of(EventProperties properties, String applicationGroup,
				Map<String, Object> consumerOverrides) {
			EventProperties.Kafka kafka = properties.getKafka();
			EventProperties.Retry retry = kafka.getRetry();
			EventProperties.Topic topic = kafka.getTopic();
			return new Settings(applicationGroup, Set.copyOf(kafka.getListenTopics()),
					properties.getMaxSize().toBytes(), kafka.getDeliveryTimeout(), kafka.getDeadLetterSuffix(),
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

}
