package dev.phanes.event.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

import dev.phanes.event.Event;
import dev.phanes.event.EventPublishException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Sends records to Kafka in publication order without ever blocking the publisher.
 * {@code KafkaProducer.send} blocks its caller while it has no metadata for a topic (up
 * to {@code max.block.ms}, the broker being away) or no room in its buffer, so a record
 * goes through one sender thread, which keeps the order, unless it can take the fast
 * path: nothing waits for that thread, the topic was acknowledged within the last minute
 * (so the producer holds its metadata) and needs no creation, and the records not yet
 * acknowledged fill less than half of the producer's buffer. Then it is sent from the
 * publishing thread, which saves the hand-over. Either way a completion completes on the
 * broker's acknowledgement, at least once. At most {@value #MAX_PENDING} records wait for
 * the thread. Thread-safe.
 */
final class KafkaEventSender implements DisposableBean {

	/**
	 * Publications that may wait for the sender thread, beyond which publish fails at
	 * once.
	 */
	static final int MAX_PENDING = 10_000;

	private static final long FRESH_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final ProducerFactory<String, byte[]> producerFactory;

	private final KafkaTemplate<String, byte[]> template;

	private final ObservationRegistry registry;

	private final KafkaTopics topics;

	private final Duration deliveryTimeout;

	private final long inlineBytes;

	private final ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
			new LinkedBlockingQueue<>(MAX_PENDING), (task) -> {
				Thread thread = new Thread(task, "phanes-event-sender");
				thread.setDaemon(true);
				return thread;
			});

	private final Object lock = new Object();

	// records handed to the thread and not yet given to the producer; guarded by lock
	private int queued;

	private final AtomicLong unacknowledgedBytes = new AtomicLong();

	private final Map<String, AtomicLong> acknowledged = new ConcurrentHashMap<>();

	KafkaEventSender(ProducerFactory<?, ?> producerFactory, KafkaEventSettings settings, KafkaTopics topics,
			ObservationRegistry registry) {
		this.producerFactory = producerOverrides(producerFactory, settings);
		this.template = new KafkaTemplate<>(this.producerFactory);
		this.template.setObservationEnabled(true);
		this.template.setObservationRegistry(registry);
		this.registry = registry;
		this.topics = topics;
		this.deliveryTimeout = settings.deliveryTimeout();
		Object buffer = this.producerFactory.getConfigurationProperties().get(ProducerConfig.BUFFER_MEMORY_CONFIG);
		this.inlineBytes = ((buffer != null) ? Long.parseLong(buffer.toString()) : 32L * 1024 * 1024) / 2;
	}

	@SuppressWarnings("unchecked")
	private static ProducerFactory<String, byte[]> producerOverrides(ProducerFactory<?, ?> factory,
			KafkaEventSettings settings) {
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

	/**
	 * The template the sender sends with, for the dead-letter recoverer.
	 * @return the template
	 */
	KafkaTemplate<String, byte[]> template() {
		return this.template;
	}

	/**
	 * Send the record of an event.
	 * @param event the event
	 * @param record its record
	 * @return a completion that completes when the broker acknowledged the record
	 */
	CompletableFuture<Void> send(Event<?> event, ProducerRecord<String, byte[]> record) {
		Send send = new Send(event, record);
		synchronized (this.lock) {
			if (this.queued == 0 && !this.thread.isShutdown() && canSendInline(record)) {
				send.inline = true;
			}
			else {
				try {
					this.thread.execute(send);
					this.queued++;
				}
				catch (RejectedExecutionException ex) {
					send.fail(
							new EventPublishException(
									"Event " + event.id() + " to topic '" + event.topic() + "' was not sent: "
											+ (this.thread.isShutdown() ? "the event bus is closed"
													: MAX_PENDING + " publications are already waiting for Kafka"),
									ex));
				}
			}
		}
		if (send.inline) {
			send.send();
		}
		return send.done;
	}

	private boolean canSendInline(ProducerRecord<String, byte[]> record) {
		AtomicLong acknowledgedAt = this.acknowledged.get(record.topic());
		return acknowledgedAt != null && System.nanoTime() - acknowledgedAt.get() < FRESH_NANOS
				&& this.topics.isReady(record.topic())
				&& this.unacknowledgedBytes.get() + record.value().length < this.inlineBytes;
	}

	private EventPublishException notAcknowledged(Event<?> event, Throwable ex) {
		Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
		return new EventPublishException("Event " + event.id() + " to topic '" + event.topic()
				+ "' was not acknowledged by Kafka within " + this.deliveryTimeout
				+ " (phanes.event.kafka.delivery-timeout); other services did not receive it: " + cause, cause);
	}

	@Override
	public void destroy() throws Exception {
		this.thread.shutdown();
		if (!this.thread.awaitTermination(5, TimeUnit.SECONDS)) {
			for (Runnable waiting : this.thread.shutdownNow()) {
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
	 * One publication on its way to Kafka, sent on the sender thread or inline.
	 */
	private final class Send implements Runnable {

		private final Event<?> event;

		private final ProducerRecord<String, byte[]> record;

		private final @Nullable Observation parent;

		private final long deadline;

		private final CompletableFuture<Void> done = new CompletableFuture<>();

		private boolean inline;

		Send(Event<?> event, ProducerRecord<String, byte[]> record) {
			this.event = event;
			this.record = record;
			this.parent = KafkaEventSender.this.registry.getCurrentObservation();
			this.deadline = System.nanoTime() + KafkaEventSender.this.deliveryTimeout.toNanos();
		}

		@Override
		public void run() {
			try {
				if (System.nanoTime() - this.deadline > 0) {
					fail(notAcknowledged(this.event,
							new TimeoutException("waited for the sends before it until the delivery timeout")));
					return;
				}
				// The publish observation stays the parent of the template's, on this
				// thread too.
				try (Observation.Scope scope = (this.parent != null) ? this.parent.openScope() : null) {
					KafkaEventSender.this.topics.createOrWarn(this.event.topic(), "sending anyway");
					send();
				}
			}
			finally {
				synchronized (KafkaEventSender.this.lock) {
					KafkaEventSender.this.queued--;
				}
			}
		}

		void send() {
			int size = this.record.value().length;
			KafkaEventSender.this.unacknowledgedBytes.addAndGet(size);
			try {
				KafkaEventSender.this.template.send(this.record).whenComplete((result, ex) -> {
					KafkaEventSender.this.unacknowledgedBytes.addAndGet(-size);
					if (ex != null) {
						fail(notAcknowledged(this.event, ex));
					}
					else {
						acknowledged(this.record.topic());
						this.done.complete(null);
					}
				});
			}
			catch (RuntimeException ex) {
				KafkaEventSender.this.unacknowledgedBytes.addAndGet(-size);
				fail(notAcknowledged(this.event, ex));
			}
		}

		private void acknowledged(String topic) {
			AtomicLong at = KafkaEventSender.this.acknowledged.get(topic);
			if (at == null) {
				at = KafkaEventSender.this.acknowledged.computeIfAbsent(topic, (name) -> new AtomicLong());
			}
			at.set(System.nanoTime());
		}

		void fail(Throwable ex) {
			this.done.completeExceptionally(ex);
		}

	}

}
