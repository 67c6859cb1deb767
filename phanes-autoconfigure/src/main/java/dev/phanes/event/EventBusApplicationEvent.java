package dev.phanes.event;

import org.springframework.context.PayloadApplicationEvent;
import org.springframework.core.ResolvableType;

/**
 * A bus event as an {@code ApplicationEvent}: {@code @EventListener} methods taking the
 * payload type receive the payload, and methods taking
 * {@code EventBusApplicationEvent<T>} see the envelope too.
 *
 * @param <T> the payload type
 */
public class EventBusApplicationEvent<T> extends PayloadApplicationEvent<T> {

	private final Event<T> event;

	private final boolean remote;

	/**
	 * Create an application event for a bus event.
	 * @param source the bus
	 * @param event the bus event
	 * @param remote whether the event arrived from another process
	 */
	public EventBusApplicationEvent(Object source, Event<T> event, boolean remote) {
		super(source, event.payload(), ResolvableType.forInstance(event.payload()));
		this.event = event;
		this.remote = remote;
	}

	/**
	 * The bus event.
	 * @return the envelope with its payload
	 */
	public Event<T> getEvent() {
		return this.event;
	}

	/**
	 * Whether the event arrived from another process (over Kafka) rather than being
	 * published in this one; such events are never exported again.
	 * @return {@code true} if it arrived from elsewhere
	 */
	public boolean isRemote() {
		return this.remote;
	}

}
