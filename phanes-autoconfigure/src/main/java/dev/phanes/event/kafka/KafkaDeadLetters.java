package dev.phanes.event.kafka;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import dev.phanes.event.EventDeserializationException;
import dev.phanes.event.EventMetrics;
import dev.phanes.event.UnknownEventTypeException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * What happens to an event whose handling fails: Spring Kafka's
 * {@link DefaultErrorHandler} delivers it again after an exponential backoff
 * ({@code phanes.event.kafka.retry.*}), then a {@link DeadLetterPublishingRecoverer}
 * moves it to the topic's dead-letter topic; unknown types and unreadable payloads go
 * there at once. Redeliveries and dead letters are counted.
 */
final class KafkaDeadLetters {

	private static final Log logger = LogFactory.getLog(KafkaDeadLetters.class);

	private static final String TRANSPORT = "kafka";

	private KafkaDeadLetters() {
	}

	/**
	 * The error handler of the transport's listener containers.
	 * @param settings the transport's settings
	 * @param template the template that publishes dead letters
	 * @param metrics where redeliveries and dead letters are counted
	 * @return the error handler
	 */
	static DefaultErrorHandler errorHandler(KafkaEventSettings settings, KafkaTemplate<String, byte[]> template,
			EventMetrics metrics) {
		String suffix = settings.deadLetterSuffix();
		DeadLetterPublishingRecoverer deadLetters = new DeadLetterPublishingRecoverer(template,
				(record, ex) -> new TopicPartition(record.topic() + suffix, -1));
		ConsumerAwareRecordRecoverer recoverer = (record, consumer, ex) -> {
			deadLetters.accept(record, consumer, ex);
			metrics.deadLettered(TRANSPORT, record.topic());
			logger.error("Event at " + record.topic() + "-" + record.partition() + "@" + record.offset() + " moved to "
					+ record.topic() + suffix + ": " + ex.getMessage());
		};
		KafkaEventSettings.Retry retry = settings.retry();
		ExponentialBackOff backOff = new ExponentialBackOff(retry.initialInterval().toMillis(), retry.multiplier());
		backOff.setMaxInterval(retry.maxInterval().toMillis());
		backOff.setMaxAttempts(Math.max(0, retry.maxAttempts() - 1));
		DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, backOff);
		handler.addNotRetryableExceptions(UnknownEventTypeException.class, EventDeserializationException.class);
		handler.setRetryListeners(new RetryListener() {

			@Override
			public void failedDelivery(ConsumerRecord<?, ?> record, Exception ex, int deliveryAttempt) {
				if (deliveryAttempt < retry.maxAttempts() && !isPoison(ex)) {
					metrics.retried(TRANSPORT, record.topic());
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

}
