package dev.phanes.event;

/**
 * Handles the events of a subscription. An exception marks the delivery as failed: the
 * Kafka transport retries it and then moves it to the dead-letter topic; in-process it is
 * logged and counted, and other subscribers still receive the event.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface EventHandler<T> {

	/**
	 * Handle one event.
	 * @param event the event
	 * @throws Exception if handling failed
	 */
	void handle(Event<T> event) throws Exception;

}
