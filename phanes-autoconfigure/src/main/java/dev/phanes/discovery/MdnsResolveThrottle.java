package dev.phanes.discovery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * Asks for the records of instances announced without them, each at most once every
 * {@value #INTERVAL_MILLIS} ms, on an executor: a resolution waits for the network, and
 * the view's thread must not. Called by the view's thread only.
 */
final class MdnsResolveThrottle {

	/**
	 * Least time between two resolutions of one instance, in milliseconds.
	 */
	static final long INTERVAL_MILLIS = 2000;

	private final Map<String, Long> requests = new ConcurrentHashMap<>();

	private final Executor executor;

	private final BiConsumer<String, String> resolver;

	private final int maxTracked;

	/**
	 * Create a throttle.
	 * @param executor where resolutions run
	 * @param resolver resolves an instance, given its service type and name
	 * @param maxTracked how many instances to remember before forgetting those asked for
	 * longer than the interval ago
	 */
	MdnsResolveThrottle(Executor executor, BiConsumer<String, String> resolver, int maxTracked) {
		this.executor = executor;
		this.resolver = resolver;
		this.maxTracked = maxTracked;
	}

	/**
	 * Resolve an instance unless it was asked for within the interval.
	 * @param type its service type
	 * @param name its instance name
	 * @param now the current time in milliseconds
	 * @return whether a resolution was started
	 */
	boolean request(String type, String name, long now) {
		String key = name + "." + type;
		Long last = this.requests.get(key);
		if (last != null && now - last < INTERVAL_MILLIS) {
			return false;
		}
		this.requests.put(key, now);
		if (this.requests.size() > this.maxTracked) {
			this.requests.values().removeIf((time) -> now - time > INTERVAL_MILLIS);
		}
		try {
			this.executor.execute(() -> this.resolver.accept(type, name));
			return true;
		}
		catch (RejectedExecutionException ex) {
			// closing
			return false;
		}
	}

}
