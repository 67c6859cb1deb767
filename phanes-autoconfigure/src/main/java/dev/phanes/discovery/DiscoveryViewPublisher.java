package dev.phanes.discovery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Holds a discovery view's current instances and tells listeners how each new reading
 * differs from the previous one. {@link #publish} is called by one thread at a time; the
 * reads are thread-safe and see whole snapshots.
 */
public final class DiscoveryViewPublisher {

	private static final Log logger = LogFactory.getLog(DiscoveryViewPublisher.class);

	private final String engine;

	private final List<DiscoveryListener> listeners = new CopyOnWriteArrayList<>();

	private volatile Map<String, List<DiscoveredInstance>> current = Map.of();

	private volatile long version;

	/**
	 * Create a publisher.
	 * @param engine the engine feeding the view, for log messages
	 */
	public DiscoveryViewPublisher(String engine) {
		this.engine = engine;
	}

	/**
	 * Add a listener told of each change, on the publishing thread.
	 * @param listener the listener
	 */
	public void addListener(DiscoveryListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Return the current instances.
	 * @return the instances by service id, sorted
	 */
	public Map<String, List<DiscoveredInstance>> current() {
		return this.current;
	}

	/**
	 * Return the number of the current snapshot; it grows with each change.
	 * @return the version
	 */
	public long version() {
		return this.version;
	}

	/**
	 * Make a reading the current snapshot and, if it differs, tell the listeners; a
	 * failing listener is logged and the others are still told.
	 * @param next the instances by service id, sorted, unmodifiable
	 * @return the change, or {@code null} if nothing changed
	 */
	public @Nullable DiscoveryChange publish(Map<String, List<DiscoveredInstance>> next) {
		Map<String, List<DiscoveredInstance>> previous = this.current;
		if (previous.equals(next)) {
			return null;
		}
		this.current = next;
		this.version++;
		DiscoveryChange change = difference(this.version, previous, next);
		if (logger.isDebugEnabled()) {
			logger.debug(this.engine + " view changed: " + change);
		}
		for (DiscoveryListener listener : this.listeners) {
			try {
				listener.viewChanged(change);
			}
			catch (RuntimeException ex) {
				logger.warn(this.engine + " view listener failed", ex);
			}
		}
		return change;
	}

	/**
	 * Return how one snapshot differs from another: an instance is the same one if its
	 * service and instance ids are.
	 * @param version the number of the new snapshot
	 * @param before the previous snapshot
	 * @param after the new snapshot
	 * @return the change
	 */
	static DiscoveryChange difference(long version, Map<String, List<DiscoveredInstance>> before,
			Map<String, List<DiscoveredInstance>> after) {
		Map<String, DiscoveredInstance> was = index(before);
		Map<String, DiscoveredInstance> is = index(after);
		List<DiscoveredInstance> appeared = new ArrayList<>();
		List<DiscoveredInstance> changed = new ArrayList<>();
		List<DiscoveredInstance> left = new ArrayList<>();
		is.forEach((key, instance) -> {
			DiscoveredInstance old = was.get(key);
			if (old == null) {
				appeared.add(instance);
			}
			else if (!old.equals(instance)) {
				changed.add(instance);
			}
		});
		was.forEach((key, instance) -> {
			if (!is.containsKey(key)) {
				left.add(instance);
			}
		});
		return new DiscoveryChange(version, List.copyOf(appeared), List.copyOf(changed), List.copyOf(left));
	}

	private static Map<String, DiscoveredInstance> index(Map<String, List<DiscoveredInstance>> snapshot) {
		Map<String, DiscoveredInstance> index = new HashMap<>();
		snapshot.forEach((serviceId, instances) -> instances
			.forEach((instance) -> index.put(serviceId + "/" + instance.instanceId(), instance)));
		return index;
	}

}
