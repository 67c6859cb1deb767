package dev.phanes.event;

/**
 * A serialised event is larger than {@code phanes.event.max-size}; it is not sent.
 */
public class EventTooLargeException extends EventException {

	/**
	 * Create an exception.
	 * @param topic the topic
	 * @param size the serialised size in bytes
	 * @param maxSize the largest size accepted
	 */
	public EventTooLargeException(String topic, long size, long maxSize) {
		super("Event for topic '" + topic + "' is " + size + " bytes serialised, more than the " + maxSize
				+ " bytes allowed by phanes.event.max-size; send a reference to the data instead, "
				+ "or raise the limit together with the broker's message.max.bytes");
	}

}
