package dev.phanes.event.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.phanes.event.Event;
import dev.phanes.event.EventDeserializationException;
import dev.phanes.event.EventHeaders;
import dev.phanes.event.EventTooLargeException;
import dev.phanes.event.EventTypes;
import dev.phanes.event.UnknownEventTypeException;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;
import org.springframework.util.StringUtils;

/**
 * The wire format of events on Kafka: the payload as JSON (Spring Kafka's Jackson
 * serialiser, no type information), the key, the event's time as the record's, and the
 * headers {@code phanes-event-id}, {@code phanes-event-type} (a logical name, resolved
 * through the {@link EventTypes} allow-list on the way in),
 * {@code phanes-delivered-groups} and the application's. Thread-safe.
 */
final class KafkaEventCodec {

	private final EventTypes types;

	private final long maxSize;

	private final JacksonJsonSerializer<Object> serializer;

	private final JacksonJsonDeserializer<Object> deserializer;

	private final Map<String, byte[]> typeHeaders = new ConcurrentHashMap<>();

	// per topic: the last set of delivered groups and its header, which stays the same
	// until a group joins or leaves the publishing process
	private final Map<String, DeliveredHeader> deliveredHeaders = new ConcurrentHashMap<>();

	KafkaEventCodec(EventTypes types, JsonMapper jsonMapper, long maxSize) {
		this.types = types;
		this.maxSize = maxSize;
		this.serializer = new JacksonJsonSerializer<>(jsonMapper).noTypeInfo();
		this.deserializer = new JacksonJsonDeserializer<>(jsonMapper).ignoreTypeHeaders()
			.typeFunction((data, headers) -> jsonMapper.constructType(payloadType(headers)));
	}

	/**
	 * The record of an event published in this process.
	 * @param event the event
	 * @param deliveredGroups the groups this process served, which consumers skip
	 * @return the record
	 * @throws EventTooLargeException if the payload is larger than the maximum size
	 */
	ProducerRecord<String, byte[]> encode(Event<?> event, Set<String> deliveredGroups) {
		byte[] value = this.serializer.serialize(event.topic(), event.payload());
		if (value.length > this.maxSize) {
			throw new EventTooLargeException(event.topic(), value.length, this.maxSize);
		}
		RecordHeaders headers = new RecordHeaders();
		headers.add(EventHeaders.ID, bytes(event.id()));
		headers.add(EventHeaders.TYPE, this.typeHeaders.computeIfAbsent(event.type(), KafkaEventCodec::bytes));
		headers.add(EventHeaders.DELIVERED_GROUPS, deliveredHeader(event.topic(), deliveredGroups));
		event.headers().forEach((name, text) -> headers.add(name, bytes(text)));
		return new ProducerRecord<>(event.topic(), null, event.timestamp().toEpochMilli(), event.key(), value, headers);
	}

	private byte[] deliveredHeader(String topic, Set<String> groups) {
		DeliveredHeader header = this.deliveredHeaders.get(topic);
		if (header == null || header.groups() != groups) {
			header = new DeliveredHeader(groups, bytes(String.join(",", groups)));
			this.deliveredHeaders.put(topic, header);
		}
		return header.value();
	}

	/**
	 * Whether the publishing process already delivered a record's event to a group.
	 * @param record the record
	 * @param group the group
	 * @return {@code true} if consumers of the group skip it
	 */
	boolean isDelivered(ConsumerRecord<?, ?> record, String group) {
		String delivered = header(record.headers(), EventHeaders.DELIVERED_GROUPS);
		return delivered != null && StringUtils.commaDelimitedListToSet(delivered).contains(group);
	}

	/**
	 * The event a record carries.
	 * @param record the record
	 * @return the event
	 * @throws UnknownEventTypeException if its type is missing or not allowed
	 * @throws EventDeserializationException if its payload does not read as its type
	 */
	Event<?> decode(ConsumerRecord<String, byte[]> record) {
		String type = header(record.headers(), EventHeaders.TYPE);
		if (type == null || this.types.typeOf(type).isEmpty()) {
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

	private Class<?> payloadType(Headers headers) {
		String name = header(headers, EventHeaders.TYPE);
		return (name != null) ? this.types.typeOf(name).orElse(Object.class) : Object.class;
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static @Nullable String header(Headers headers, String name) {
		Header header = headers.lastHeader(name);
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	private record DeliveredHeader(Set<String> groups, byte[] value) {

	}

}
