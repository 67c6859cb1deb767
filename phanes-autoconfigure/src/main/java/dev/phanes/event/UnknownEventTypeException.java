package dev.phanes.event;

import org.jspecify.annotations.Nullable;

/**
 * An event arrived with a type name that is not registered (the allow-list of
 * {@link EventTypes}), or one its subscriber cannot take; it is never deserialised into a
 * class the wire names.
 */
public class UnknownEventTypeException extends EventException {

	/**
	 * Create an exception.
	 * @param message what was wrong and what to do
	 */
	public UnknownEventTypeException(String message) {
		super(message);
	}

	/**
	 * The exception for an event whose type name is missing or not registered.
	 * @param topic the topic
	 * @param type the type name, or {@code null} if the event has none
	 * @return the exception
	 */
	public static UnknownEventTypeException notRegistered(String topic, @Nullable String type) {
		if (type == null) {
			return new UnknownEventTypeException("Event on topic '" + topic + "' has no " + EventHeaders.TYPE
					+ " header; publish it with an EventBus");
		}
		return new UnknownEventTypeException("Event on topic '" + topic + "' has type '" + type
				+ "', which is not registered; subscribe with that payload type or set phanes.event.types." + type
				+ "=<class name>");
	}

}
