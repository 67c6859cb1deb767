package dev.phanes.event;

/**
 * The payload of an arrived event could not be read as its registered type.
 */
public class EventDeserializationException extends EventException {

	/**
	 * Create an exception.
	 * @param message what was wrong
	 * @param cause the cause
	 */
	public EventDeserializationException(String message, Throwable cause) {
		super(message, cause);
	}

}
