package dev.phanes.event;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One subscription: a handler and the payload type it takes.
 *
 * @param <T> the payload type
 */
final class EventSubscriber<T> implements EventSubscription {

	private final String topic;

	private final String group;

	private final Class<T> type;

	private final EventHandler<T> handler;

	private final AtomicBoolean active = new AtomicBoolean(true);

	private final Consumer<EventSubscriber<?>> onCancel;

	EventSubscriber(String topic, String group, Class<T> type, EventHandler<T> handler,
			Consumer<EventSubscriber<?>> onCancel) {
		this.topic = topic;
		this.group = group;
		this.type = type;
		this.handler = handler;
		this.onCancel = onCancel;
	}

	@Override
	public String topic() {
		return this.topic;
	}

	@Override
	public String group() {
		return this.group;
	}

	@Override
	public boolean isActive() {
		return this.active.get();
	}

	@Override
	public void cancel() {
		if (this.active.compareAndSet(true, false)) {
			this.onCancel.accept(this);
		}
	}

	Class<T> type() {
		return this.type;
	}

	@SuppressWarnings("unchecked")
	void handle(Event<?> event) throws Exception {
		if (!this.type.isInstance(event.payload())) {
			throw new UnknownEventTypeException("Subscriber of topic '" + this.topic + "' in group '" + this.group
					+ "' takes " + this.type.getName() + " but the event has type '" + event.type() + "' ("
					+ event.payload().getClass().getName() + "); publish one type per topic or subscribe with a "
					+ "common supertype");
		}
		this.handler.handle((Event<T>) event);
	}

	@Override
	public String toString() {
		return "EventSubscription[topic=" + this.topic + ", group=" + this.group + ", type=" + this.type.getName()
				+ "]";
	}

}
