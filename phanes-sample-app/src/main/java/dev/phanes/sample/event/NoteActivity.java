package dev.phanes.sample.event;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Reacts to {@link NoteCreated} events with a plain {@code @EventListener}: keeps the
 * most recent ones for {@code /activity}. With the {@code kafka} profile it also hears
 * notes created by the other instances, and its log line of one carries the trace of the
 * request that created the note. Thread-safe.
 */
@Component
public class NoteActivity {

	private static final Logger logger = LoggerFactory.getLogger(NoteActivity.class);

	/**
	 * Most events kept.
	 */
	public static final int SIZE = 20;

	private final Deque<NoteCreated> recent = new ArrayDeque<>();

	@EventListener
	void on(NoteCreated event) {
		logger.info("Heard of note {}", event.id());
		synchronized (this.recent) {
			this.recent.addFirst(event);
			if (this.recent.size() > SIZE) {
				this.recent.removeLast();
			}
		}
	}

	/**
	 * The most recent notes created, newest first.
	 * @return up to {@value #SIZE} events
	 */
	public List<NoteCreated> recent() {
		synchronized (this.recent) {
			return List.copyOf(this.recent);
		}
	}

}
