package dev.phanes.collector;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The most recent log events of the application, in memory: a ring buffer bounded by a
 * number of events and by an estimate of the bytes they hold, whichever is reached first
 * (the oldest events go). Like go-micro's debug log buffer, it lets a developer read the
 * recent logs of a running service without any log backend.
 * <p>
 * Thread-safe: {@link #append} takes a short lock; readers get copies. Tail subscribers
 * are called on the logging thread and must not block.
 */
public class LogCollector {

	private final int maxEvents;

	private final long maxBytes;

	private final ReentrantLock lock = new ReentrantLock();

	private final ArrayDeque<LogEntry> entries = new ArrayDeque<>();

	private final List<Consumer<LogEntry>> subscribers = new CopyOnWriteArrayList<>();

	private long bytes;

	private long dropped;

	/**
	 * Create a collector.
	 * @param maxEvents the most events kept
	 * @param maxBytes the most bytes (estimated) the kept events hold
	 */
	public LogCollector(int maxEvents, long maxBytes) {
		if (maxEvents < 1 || maxBytes < 1) {
			throw new IllegalArgumentException("A log collector needs room for at least one event; got max-events="
					+ maxEvents + " and max-size=" + maxBytes + "B");
		}
		this.maxEvents = maxEvents;
		this.maxBytes = maxBytes;
	}

	/**
	 * Keep an event, dropping the oldest ones if the buffer is full, and hand it to the
	 * tail subscribers.
	 * @param entry the event
	 */
	public void append(LogEntry entry) {
		long size = entry.estimatedSize();
		this.lock.lock();
		try {
			if (size > this.maxBytes) {
				// Larger than the whole buffer: keeping it would evict everything else.
				this.dropped++;
			}
			else {
				this.entries.addLast(entry);
				this.bytes += size;
				while (this.entries.size() > this.maxEvents || this.bytes > this.maxBytes) {
					this.bytes -= this.entries.removeFirst().estimatedSize();
					this.dropped++;
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		for (Consumer<LogEntry> subscriber : this.subscribers) {
			subscriber.accept(entry);
		}
	}

	/**
	 * The kept events that match a filter, oldest first, at most the filter's limit of
	 * the most recent ones.
	 * @param filter which events
	 * @return the matching events
	 */
	public List<LogEntry> entries(LogFilter filter) {
		List<LogEntry> matching = new ArrayList<>();
		this.lock.lock();
		try {
			Iterator<LogEntry> newestFirst = this.entries.descendingIterator();
			while (newestFirst.hasNext() && matching.size() < filter.limit()) {
				LogEntry entry = newestFirst.next();
				if (filter.matches(entry)) {
					matching.add(entry);
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		Collections.reverse(matching);
		return matching;
	}

	/**
	 * Be told of every event appended from now on, on the logging thread.
	 * @param subscriber what to call; it must not block
	 * @return a handle that unsubscribes when closed
	 */
	public Subscription subscribe(Consumer<LogEntry> subscriber) {
		this.subscribers.add(subscriber);
		return () -> this.subscribers.remove(subscriber);
	}

	/**
	 * The number of events kept.
	 * @return the number of events
	 */
	public int size() {
		this.lock.lock();
		try {
			return this.entries.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The estimated bytes the kept events hold.
	 * @return the estimate, at most the collector's bound
	 */
	public long bytes() {
		this.lock.lock();
		try {
			return this.bytes;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The number of events dropped to stay within the bounds since the start.
	 * @return the number dropped
	 */
	public long dropped() {
		this.lock.lock();
		try {
			return this.dropped;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * A tail subscription.
	 */
	@FunctionalInterface
	public interface Subscription extends AutoCloseable {

		/**
		 * Stop receiving events.
		 */
		@Override
		void close();

	}

}
