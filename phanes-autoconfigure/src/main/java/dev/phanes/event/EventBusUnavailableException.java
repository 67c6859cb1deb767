package dev.phanes.event;

/**
 * The configured event transport cannot run: a library or a bean it needs is missing.
 */
public class EventBusUnavailableException extends EventException {

	/**
	 * Create an exception.
	 * @param transport the transport ({@code kafka})
	 * @param missing what is missing
	 * @param action what to do
	 */
	public EventBusUnavailableException(String transport, String missing, String action) {
		super("phanes.event.type=" + transport + " needs " + missing + "; " + action);
	}

}
