package dev.phanes.event;

/**
 * Something went wrong on the event bus; subclasses say what.
 */
public class EventException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message what went wrong and what to do
	 * @param cause the cause, or {@code null}
	 */
	public EventException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Create an exception.
	 * @param message what went wrong and what to do
	 */
	public EventException(String message) {
		super(message);
	}

}
