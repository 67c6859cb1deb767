package dev.phanes.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One event on the bus: its envelope and its payload.
 *
 * @param id unique id, the same in every process that receives the event
 * @param topic the topic it was published to
 * @param key the ordering key: events with the same key reach a group in the order they
 * were published; {@code null} for none
 * @param type the logical name of the payload type (see {@link EventTypes}), never a
 * class name
 * @param timestamp when it was published, to the millisecond
 * @param headers application headers
 * @param payload the payload
 * @param <T> the payload type
 */
public record Event<T>(String id, String topic, @Nullable String key, String type, Instant timestamp,
		Map<String, String> headers, T payload) {

	/**
	 * Create an event, copying the headers.
	 */
	public Event {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(topic, "topic");
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(payload, "payload");
		headers = Map.copyOf(headers);
	}

}
