package dev.phanes.event;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * Publishes typed events to topics and subscribes handlers to them in consumer groups:
 * every group receives each event, one subscriber of a group handles it. Thread-safe.
 */
public interface EventBus {

	/**
	 * Publish a payload to a topic, with no key and no headers.
	 * @param topic the topic
	 * @param payload the payload
	 * @param <T> the payload type
	 * @return the completion, see {@link #publish(String, String, Object, Map)}
	 */
	default <T> CompletableFuture<Event<T>> publish(String topic, T payload) {
		return publish(topic, null, payload, Map.of());
	}

	/**
	 * Publish a payload to a topic with an ordering key and no headers.
	 * @param topic the topic
	 * @param key the ordering key: events with one key reach a group in publication
	 * order; {@code null} for none
	 * @param payload the payload
	 * @param <T> the payload type
	 * @return the completion, see {@link #publish(String, String, Object, Map)}
	 */
	default <T> CompletableFuture<Event<T>> publish(String topic, @Nullable String key, T payload) {
		return publish(topic, key, payload, Map.of());
	}

	/**
	 * Publish a payload to a topic. Subscribers in this process receive it before this
	 * method returns, unless the application's event multicaster has an executor.
	 * @param topic the topic
	 * @param key the ordering key: events with one key reach a group in publication
	 * order; {@code null} for none
	 * @param payload the payload
	 * @param headers application headers (names starting with {@code phanes-} are
	 * reserved)
	 * @param <T> the payload type
	 * @return a completion that completes with the event once the transport holds it (at
	 * once in-process; when the broker acknowledges it with Kafka) or fails with an
	 * {@link EventPublishException}
	 */
	<T> CompletableFuture<Event<T>> publish(String topic, @Nullable String key, T payload, Map<String, String> headers);

	/**
	 * Subscribe a handler to a topic in a group.
	 * @param topic the topic
	 * @param group the consumer group
	 * @param type the payload type, which becomes a registered {@link EventTypes type}
	 * @param handler the handler
	 * @param <T> the payload type
	 * @return the subscription, to cancel
	 */
	<T> EventSubscription subscribe(String topic, String group, Class<T> type, EventHandler<T> handler);

}
