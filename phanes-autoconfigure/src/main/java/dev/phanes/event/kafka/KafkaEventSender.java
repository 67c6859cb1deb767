package dev.phanes.event.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

import dev.phanes.event.Event;
import dev.phanes.event.EventPublishException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.ProducerListener;

/**
 * Sends records to Kafka in publication order without ever blocking the publisher.
 * {@code KafkaProducer.send} would block its caller while it has no metadata for a topic
 * (the broker being away) or no room in its buffer, so the producer is given
 * {@code max.block.ms=0}: a record it cannot take at once fails at once, untaken. A
 * record goes through one sender thread, which keeps the order and tries a record the
 * producer did not take again after a short backoff until the delivery timeout, unless it
 * can take the fast path: nothing waits for that thread, the topic was acknowledged
 * within the last minute and needs no creation, no send to it has failed since, and the
 * records not yet acknowledged fill less than half of the producer's buffer, counting
 * each record's key, value, headers and framing. Then it is sent from the publishing
 * thread, which saves the hand-over, and handed to the thread if the producer does not
 * take it. Either way a completion completes on the broker's acknowledgement, at least
 * once. At most {@value #MAX_PENDING} records wait for the thread. Dead letters go
 * through a template of their own, which may block its caller (a listener container's
 * thread) the usual way. Thread-safe.
 */
final class KafkaEventSender implements DisposableBean {

	private static final Log logger = LogFactory.getLog(KafkaEventSender.class);

	/**
	 * Publications that may wait for the sender thread, beyond which publish fails at
	 * once.
	 */
	static final int MAX_PENDING = 10_000;

	// a record's length, attributes, timestamp delta and offset delta, as varints
	private static final int RECORD_FRAMING = 5 + 1 + 10 + 5;

	// the header of a record batch (magic v2)
	private static final int BATCH_FRAMING = 61;

	private static final int MAX_VARINT = 5;

	private static final long FRESH_NANOS = TimeUnit.MINUTES.toNanos(1);

	private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final ProducerFactory<String, byte[]> producerFactory;

	private final KafkaTemplate<String, byte[]> template;

	private final ProducerFactory<String, byte[]> deadLetterProducerFactory;

	private final KafkaTemplate<String, byte[]> deadLetterTemplate;

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

	// records being given to the producer on publishing threads; guarded by lock
	private int sendingInline;

	// whether destroy began, after which nothing is sent; guarded by lock
	private boolean closed;

	private final AtomicLong unacknowledgedBytes = new AtomicLong();

	private final Map<String, AtomicLong> acknowledged = new ConcurrentHashMap<>();

	KafkaEventSender(ProducerFactory<?, ?> producerFactory, KafkaEventSettings settings, KafkaTopics topics,
			ObservationRegistry registry) {
		this.producerFactory = producerOverrides(producerFactory, settings, 0);
		this.template = new KafkaTemplate<>(this.producerFactory);
		this.template.setObservationEnabled(true);
		this.template.setObservationRegistry(registry);
		// A send the producer did not take is tried again, not logged as a failure; a
		// send that failed is logged once, by notAcknowledged.
		this.template.setProducerListener(new ProducerListener<>() {
		});
		this.deadLetterProducerFactory = producerOverrides(producerFactory, settings,
				(int) Math.min(Integer.MAX_VALUE, settings.deliveryTimeout().toMillis()));
		this.deadLetterTemplate = new KafkaTemplate<>(this.deadLetterProducerFactory);
		this.registry = registry;
		this.topics = topics;
		this.deliveryTimeout = settings.deliveryTimeout();
		Object buffer = this.producerFactory.getConfigurationProperties().get(ProducerConfig.BUFFER_MEMORY_CONFIG);
		this.inlineBytes = ((buffer != null) ? Long.parseLong(buffer.toString()) : 32L * 1024 * 1024) / 2;
	}

	@SuppressWarnings("unchecked")
	private static ProducerFactory<String, byte[]> producerOverrides(ProducerFactory<?, ?> factory,
			KafkaEventSettings settings, int maxBlockMillis) {
		int deliveryTimeout = (int) Math.min(Integer.MAX_VALUE, settings.deliveryTimeout().toMillis());
		Map<String, Object> overrides = new HashMap<>();
		overrides.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		overrides.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
		overrides.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		overrides.put(ProducerConfig.ACKS_CONFIG, "all");
		overrides.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeout);
		// delivery.timeout.ms must cover linger.ms + request.timeout.ms
		overrides.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(30_000, deliveryTimeout / 2));
		overrides.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMillis);
		overrides.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
				(int) Math.max(1_048_576, settings.maxSize() + 64 * 1024));
		return (ProducerFactory<String, byte[]>) factory.copyWithConfigurationOverride(overrides);
	}

	/**
	 * The template of the dead-letter recoverer.
	 * @return the template
	 */
	KafkaTemplate<String, byte[]> deadLetterTemplate() {
		return this.deadLetterTemplate;
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
			if (this.closed) {
				send.fail(new EventPublishException("Event " + event.id() + " to topic '" + event.topic()
						+ "' was not sent: the event bus is closed", new IllegalStateException("closed")));
				return send.done;
			}
			if (this.queued == 0 && canSendInline(send)) {
				this.sendingInline++;
			}
			else {
				enqueue(send);
				return send.done;
			}
		}
		boolean taken = true;
		try {
			taken = send.send();
		}
		finally {
			synchronized (this.lock) {
				if (--this.sendingInline == 0) {
					this.lock.notifyAll();
				}
				if (!taken) {
					enqueue(send);
				}
			}
		}
		return send.done;
	}

	// Called with the lock held.
	private void enqueue(Send send) {
		try {
			this.thread.execute(send);
			this.queued++;
		}
		catch (RejectedExecutionException ex) {
			send.fail(new EventPublishException("Event " + send.event.id() + " to topic '" + send.event.topic()
					+ "' was not sent: " + (this.thread.isShutdown() ? "the event bus is closed"
							: MAX_PENDING + " publications are already waiting for Kafka"),
					ex));
		}
	}

	private boolean canSendInline(Send send) {
		String topic = send.record.topic();
		AtomicLong acknowledgedAt = this.acknowledged.get(topic);
		return acknowledgedAt != null && System.nanoTime() - acknowledgedAt.get() < FRESH_NANOS
				&& this.topics.isReady(topic) && this.unacknowledgedBytes.get() + send.size < this.inlineBytes;
	}

	/**
	 * An upper bound of the bytes a record takes in the producer's buffer: its key (at
	 * most three bytes a character in UTF-8), value and headers, each with the longest
	 * varint length before it, and the framing of the record and of a batch holding only
	 * it.
	 * @param record the record
	 * @return the bytes
	 */
	static long bufferedSize(ProducerRecord<String, byte[]> record) {
		long size = RECORD_FRAMING + BATCH_FRAMING + MAX_VARINT;
		String key = record.key();
		size += MAX_VARINT + ((key != null) ? 3L * key.length() : 0);
		size += MAX_VARINT + ((record.value() != null) ? record.value().length : 0);
		for (Header header : record.headers()) {
			size += 2 * MAX_VARINT + 3L * header.key().length()
					+ ((header.value() != null) ? header.value().length : 0);
		}
		return size;
	}

	private EventPublishException notAcknowledged(Event<?> event, Throwable ex) {
		Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
		logger
			.warn("Event " + event.id() + " to topic '" + event.topic() + "' was not acknowledged by Kafka: " + cause);
		return new EventPublishException("Event " + event.id() + " to topic '" + event.topic()
				+ "' was not acknowledged by Kafka within " + this.deliveryTimeout
				+ " (phanes.event.kafka.delivery-timeout); other services did not receive it: " + cause, cause);
	}

	@Override
	public void destroy() throws Exception {
		synchronized (this.lock) {
			this.closed = true;
			// An inline send takes no time (it runs only when the producer cannot block),
			// but it must reach the producer before the producer closes.
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			long left;
			while (this.sendingInline > 0 && (left = deadline - System.nanoTime()) > 0) {
				TimeUnit.NANOSECONDS.timedWait(this.lock, left);
			}
		}
		this.thread.shutdown();
		if (!this.thread.awaitTermination(5, TimeUnit.SECONDS)) {
			for (Runnable waiting : this.thread.shutdownNow()) {
				((Send) waiting).fail(new EventPublishException("The event bus closed before the event was sent",
						new TimeoutException()));
			}
		}
		this.template.destroy();
		this.deadLetterTemplate.destroy();
		for (ProducerFactory<?, ?> factory : List.of(this.producerFactory, this.deadLetterProducerFactory)) {
			if (factory instanceof DisposableBean disposable) {
				disposable.destroy();
			}
		}
	}

	/**
	 * One publication on its way to Kafka, sent on the sender thread or inline.
	 */
	private final class Send implements Runnable {

		private final Event<?> event;

		// replaced by a copy when the producer did not take it, as it made its headers
		// read-only
		private ProducerRecord<String, byte[]> record;

		private final @Nullable Observation parent;

		private final long deadline;

		private final long size;

		private final CompletableFuture<Void> done = new CompletableFuture<>();

		Send(Event<?> event, ProducerRecord<String, byte[]> record) {
			this.event = event;
			this.record = record;
			this.parent = KafkaEventSender.this.registry.getCurrentObservation();
			this.deadline = System.nanoTime() + KafkaEventSender.this.deliveryTimeout.toNanos();
			this.size = bufferedSize(record);
		}

		@Override
		public void run() {
			try {
				long backoff = FIRST_BACKOFF_NANOS;
				while (true) {
					long left = this.deadline - System.nanoTime();
					if (left <= 0) {
						fail(notAcknowledged(this.event, new TimeoutException(
								"waited for the broker, or for the sends before it, until the delivery timeout")));
						return;
					}
					// The publish observation stays the parent of the template's, on this
					// thread too.
					try (Observation.Scope scope = (this.parent != null) ? this.parent.openScope() : null) {
						KafkaEventSender.this.topics.createOrWarn(this.event.topic(), "sending anyway");
						if (send()) {
							return;
						}
					}
					TimeUnit.NANOSECONDS.sleep(Math.min(backoff, left));
					backoff = Math.min(2 * backoff, MAX_BACKOFF_NANOS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				fail(new EventPublishException("The event bus closed before the event was sent", ex));
			}
			finally {
				synchronized (KafkaEventSender.this.lock) {
					KafkaEventSender.this.queued--;
				}
			}
		}

		/**
		 * Give the record to the producer.
		 * @return {@code false} if the producer did not take it, as it could not without
		 * blocking (no metadata for the topic, or no room in its buffer); else the
		 * completion completes when the broker acknowledges the record or the send fails
		 */
		boolean send() {
			long size = this.size;
			KafkaEventSender.this.unacknowledgedBytes.addAndGet(size);
			try {
				KafkaEventSender.this.template.send(this.record).whenComplete((result, ex) -> {
					KafkaEventSender.this.unacknowledgedBytes.addAndGet(-size);
					if (ex != null) {
						unacknowledged(this.record.topic());
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
				unacknowledged(this.record.topic());
				if (notTaken(ex)) {
					ProducerRecord<String, byte[]> record = this.record;
					this.record = new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(),
							record.key(), record.value(), new RecordHeaders(record.headers().toArray()));
					return false;
				}
				fail(notAcknowledged(this.event, ex));
			}
			return true;
		}

		// With max.block.ms=0 a producer that cannot take a record fails the send before
		// it returns, with a TimeoutException (BufferExhaustedException is one), which
		// the template throws.
		private static boolean notTaken(RuntimeException ex) {
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
					return true;
				}
			}
			return false;
		}

		// A failed send takes its topic off the fast path until the thread sends to it
		// again with success.
		private void unacknowledged(String topic) {
			KafkaEventSender.this.acknowledged.remove(topic);
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
