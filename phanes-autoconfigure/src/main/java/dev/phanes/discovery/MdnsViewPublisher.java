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
 * Holds the view's current instances and tells listeners how each new reading differs
 * from the previous one. {@link #publish} is called by one thread at a time; the reads
 * are thread-safe and see whole snapshots.
 */
final class MdnsViewPublisher {

	private static final Log logger = LogFactory.getLog(MdnsView.class);

	private final List<MdnsView.Listener> listeners = new CopyOnWriteArrayList<>();

	private volatile Map<String, List<MdnsServiceInstance>> current = Map.of();

	private volatile long version;

	/**
	 * Add a listener told of each change, on the publishing thread.
	 * @param listener the listener
	 */
	void addListener(MdnsView.Listener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Return the current instances.
	 * @return the instances by service id, sorted
	 */
	Map<String, List<MdnsServiceInstance>> current() {
		return this.current;
	}

	/**
	 * Return the number of the current snapshot; it grows with each change.
	 * @return the version
	 */
	long version() {
		return this.version;
	}

	/**
	 * Make a reading the current snapshot and, if it differs, tell the listeners; a
	 * failing listener is logged and the others are still told.
	 * @param next the instances by service id, sorted, unmodifiable
	 * @return the change, or {@code null} if nothing changed
	 */
	MdnsView.@Nullable Change publish(Map<String, List<MdnsServiceInstance>> next) {
		Map<String, List<MdnsServiceInstance>> previous = this.current;
		if (previous.equals(next)) {
			return null;
		}
		this.current = next;
		this.version++;
		MdnsView.Change change = difference(this.version, previous, next);
		if (logger.isDebugEnabled()) {
			logger.debug("mDNS view changed: " + change);
		}
		for (MdnsView.Listener listener : this.listeners) {
			try {
				listener.viewChanged(change);
			}
			catch (RuntimeException ex) {
				logger.warn("mDNS view listener failed", ex);
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
	static MdnsView.Change difference(long version, Map<String, List<MdnsServiceInstance>> before,
			Map<String, List<MdnsServiceInstance>> after) {
		Map<String, MdnsServiceInstance> was = index(before);
		Map<String, MdnsServiceInstance> is = index(after);
		List<MdnsServiceInstance> appeared = new ArrayList<>();
		List<MdnsServiceInstance> changed = new ArrayList<>();
		List<MdnsServiceInstance> left = new ArrayList<>();
		is.forEach((key, instance) -> {
			MdnsServiceInstance old = was.get(key);
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
		return new MdnsView.Change(version, List.copyOf(appeared), List.copyOf(changed), List.copyOf(left));
	}

	private static Map<String, MdnsServiceInstance> index(Map<String, List<MdnsServiceInstance>> snapshot) {
		Map<String, MdnsServiceInstance> index = new HashMap<>();
		snapshot.forEach((serviceId, instances) -> instances
			.forEach((instance) -> index.put(serviceId + "/" + instance.instanceId(), instance)));
		return index;
	}

}
