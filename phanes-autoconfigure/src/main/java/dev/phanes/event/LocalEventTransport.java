package dev.phanes.event;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The transport of an in-process bus ({@code phanes.event.type=local}): there is no other
 * process to carry events to or to receive them from, so the bus's local delivery is all
 * there is. {@link #send} completes at once and joining a group receives nothing.
 */
public final class LocalEventTransport implements EventTransport {

	private static final CompletableFuture<Void> SENT = CompletableFuture.completedFuture(null);

	@Override
	public String name() {
		return "local";
	}

	@Override
	public CompletableFuture<Void> send(Event<?> event, Set<String> deliveredGroups) {
		return SENT;
	}

	@Override
	public void join(String topic, String group, Receiver receiver) {
	}

	@Override
	public void leave(String topic, String group) {
	}

}
