package dev.phanes.cli;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads fields of an Actuator answer leniently: a field that is missing or null reads as
 * absent, a number or boolean as its text.
 */
final class Json {

	private Json() {
	}

	/**
	 * Read a field as text.
	 * @param node the object
	 * @param field the field's name
	 * @return its text, or {@code null} if it is missing, null or not a scalar
	 */
	static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.path(field);
		if (value.isString()) {
			return value.stringValue();
		}
		if (value.isNumber() || value.isBoolean()) {
			return value.asString();
		}
		return null;
	}

	/**
	 * Read a field as text, with a default.
	 * @param node the object
	 * @param field the field's name
	 * @param fallback the text of a missing field
	 * @return its text, or the fallback
	 */
	static String text(JsonNode node, String field, String fallback) {
		String value = text(node, field);
		return (value != null) ? value : fallback;
	}

}
