package dev.phanes.event;

/**
 * Names of the headers the bus writes on the wire; application headers must not start
 * with {@link #PREFIX}.
 */
public final class EventHeaders {

	/**
	 * Prefix reserved for the bus's own headers.
	 */
	public static final String PREFIX = "phanes-";

	/**
	 * Event id.
	 */
	public static final String ID = PREFIX + "event-id";

	/**
	 * Logical type name of the payload, resolved through {@link EventTypes}.
	 */
	public static final String TYPE = PREFIX + "event-type";

	/**
	 * Comma-separated consumer groups the publishing process already delivered the event
	 * to; consumers of those groups skip it, so each group gets it once.
	 */
	public static final String DELIVERED_GROUPS = PREFIX + "delivered-groups";

	private EventHeaders() {
	}

}
