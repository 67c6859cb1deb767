package dev.phanes.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The subscribers of one group on one topic in this process: each event goes to one of
 * them, the same one for the same key. Thread-safe.
 */
final class EventGroup {

	private final List<EventSubscriber<?>> members = new CopyOnWriteArrayList<>();

	private final AtomicInteger next = new AtomicInteger();

	void add(EventSubscriber<?> member) {
		this.members.add(member);
	}

	boolean remove(EventSubscriber<?> member) {
		this.members.remove(member);
		return this.members.isEmpty();
	}

	boolean isEmpty() {
		return this.members.isEmpty();
	}

	@Nullable EventSubscriber<?> pick(@Nullable String key) {
		List<EventSubscriber<?>> snapshot = this.members;
		int size = snapshot.size();
		if (size == 0) {
			return null;
		}
		if (size == 1) {
			return snapshot.get(0);
		}
		int index = (key != null) ? Math.floorMod(key.hashCode(), size)
				: Math.floorMod(this.next.getAndIncrement(), size);
		try {
			return snapshot.get(index);
		}
		catch (IndexOutOfBoundsException ex) {
			// a member left between size() and get(): take the first that remains
			return snapshot.isEmpty() ? null : snapshot.get(0);
		}
	}

}
