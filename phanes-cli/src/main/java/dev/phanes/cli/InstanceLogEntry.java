package dev.phanes.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One log event of an instance, as its Actuator {@code logs} endpoint and log stream give
 * it (Phanes' {@code dev.phanes.collector.LogEntry}), with the instance it came from.
 *
 * @param instance the instance id
 * @param timestamp when it was logged
 * @param level its level
 * @param logger the logger's name
 * @param thread the thread that logged it
 * @param message the message
 * @param traceId the trace id, if any
 * @param spanId the span id, if any
 * @param mdc the rest of the MDC
 * @param throwable the stack trace, if any
 */
record InstanceLogEntry(String instance, Instant timestamp, String level, String logger, String thread, String message,
		@Nullable String traceId, @Nullable String spanId, Map<String, String> mdc, @Nullable String throwable) {

	/**
	 * Oldest first; events of the same instant by instance, so that the order is stable.
	 */
	static final Comparator<InstanceLogEntry> CHRONOLOGICAL = Comparator.comparing(InstanceLogEntry::timestamp)
		.thenComparing(InstanceLogEntry::instance);

	/**
	 * Create an entry.
	 */
	InstanceLogEntry {
		mdc = Map.copyOf(mdc);
	}

	/**
	 * Read an event of the endpoint's JSON.
	 * @param instance the instance it came from
	 * @param node the event
	 * @return the entry
	 * @throws IllegalArgumentException if it has no valid timestamp
	 */
	static InstanceLogEntry of(String instance, JsonNode node) {
		String timestamp = Json.text(node, "timestamp");
		Instant at;
		try {
			at = (timestamp != null) ? Instant.parse(timestamp) : null;
		}
		catch (DateTimeParseException ex) {
			at = null;
		}
		if (at == null) {
			throw new IllegalArgumentException("a log event without a valid timestamp: " + node);
		}
		Map<String, String> mdc = new LinkedHashMap<>();
		node.path("mdc").properties().forEach((entry) -> {
			if (entry.getValue().isString()) {
				mdc.put(entry.getKey(), entry.getValue().stringValue());
			}
		});
		return new InstanceLogEntry(instance, at, Json.text(node, "level", "-"), Json.text(node, "logger", "-"),
				Json.text(node, "thread", "-"), Json.text(node, "message", ""), Json.text(node, "traceId"),
				Json.text(node, "spanId"), mdc, Json.text(node, "throwable"));
	}

	/**
	 * Render the entry as text: instance, time, level, logger, message (and trace id),
	 * then the stack trace if any.
	 * @return the text, ending with a line break
	 */
	String text() {
		StringBuilder text = new StringBuilder();
		text.append('[')
			.append(this.instance)
			.append("] ")
			.append(this.timestamp)
			.append(' ')
			.append(String.format("%-5s", this.level))
			.append(' ')
			.append(abbreviate(this.logger))
			.append(" - ")
			.append(this.message);
		if (this.traceId != null) {
			text.append(" [trace ").append(this.traceId).append(']');
		}
		text.append('\n');
		if (this.throwable != null) {
			text.append(this.throwable);
			if (!this.throwable.endsWith("\n")) {
				text.append('\n');
			}
		}
		return text.toString();
	}

	/**
	 * Return what tells two reports of one event apart from two events.
	 * @return the identity of the event
	 */
	String identity() {
		return this.instance + '\u0000' + this.timestamp + '\u0000' + this.thread + '\u0000' + this.logger + '\u0000'
				+ this.message;
	}

	/**
	 * Shorten a logger name the way Logback's {@code %logger{36}} does: packages to their
	 * first letter, from the left, until it fits.
	 */
	static String abbreviate(String logger) {
		if (logger.length() <= 36) {
			return logger;
		}
		String[] parts = logger.split("\\.");
		int length = logger.length();
		for (int i = 0; i < parts.length - 1 && length > 36; i++) {
			length -= parts[i].length() - 1;
			parts[i] = parts[i].isEmpty() ? "" : parts[i].substring(0, 1);
		}
		return String.join(".", parts);
	}

}
