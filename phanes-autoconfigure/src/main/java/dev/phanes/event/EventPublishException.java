package dev.phanes.event;

/**
 * An event was not taken by the transport: the broker did not acknowledge it in time or
 * refused it. The event may be published again.
 */
public class EventPublishException extends EventException {

	/**
	 * Create an exception.
	 * @param message what went wrong and what to do
	 * @param cause the cause
	 */
	public EventPublishException(String message, Throwable cause) {
		super(message, cause);
	}

}
