package dev.phanes.event;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The subscriptions of one bus, by topic and group, and what an event published here
 * reaches in this process: the groups of its subscribers and the application's own group
 * (its {@code @EventListener} methods), as one snapshot per topic. Reads are lock-free;
 * subscribing and cancelling are serialised, together with what the bus does when a
 * group's first subscriber arrives or its last one leaves, so the transport hears joins
 * and leaves in the order they happened. Thread-safe.
 */
final class EventSubscriptions {

	private final Map<String, Map<String, EventGroup>> topics = new ConcurrentHashMap<>();

	// per subscribed topic, replaced whenever a group joins or leaves, so that a
	// publication reads one snapshot and the transport may cache what it derives from it
	private final Map<String, Local> local = new ConcurrentHashMap<>();

	private final Local applicationOnly;

	private final String applicationGroup;

	private final Object lock = new Object();

	EventSubscriptions(String applicationGroup) {
		this.applicationGroup = applicationGroup;
		this.applicationOnly = new Local(Set.of(applicationGroup), Map.of());
	}

	/**
	 * Add a subscriber.
	 * @param subscriber the subscriber
	 * @param firstOfGroup run, before any other subscriber is added or removed, when it
	 * is the first of its group on its topic
	 */
	void add(EventSubscriber<?> subscriber, Runnable firstOfGroup) {
		synchronized (this.lock) {
			Map<String, EventGroup> groups = this.topics.computeIfAbsent(subscriber.topic(),
					(name) -> new ConcurrentHashMap<>());
			EventGroup members = groups.get(subscriber.group());
			boolean first = members == null;
			if (first) {
				members = new EventGroup();
			}
			members.add(subscriber);
			if (first) {
				groups.put(subscriber.group(), members);
				this.local.put(subscriber.topic(), snapshot(groups));
				firstOfGroup.run();
			}
		}
	}

	/**
	 * Remove a subscriber.
	 * @param subscriber the subscriber
	 * @param lastOfGroup run, before any other subscriber is added or removed, when it
	 * was the last of its group on its topic
	 */
	void remove(EventSubscriber<?> subscriber, Runnable lastOfGroup) {
		synchronized (this.lock) {
			Map<String, EventGroup> groups = this.topics.get(subscriber.topic());
			EventGroup members = (groups != null) ? groups.get(subscriber.group()) : null;
			if (members != null && members.remove(subscriber)) {
				groups.remove(subscriber.group());
				if (groups.isEmpty()) {
					this.topics.remove(subscriber.topic());
					this.local.remove(subscriber.topic());
				}
				else {
					this.local.put(subscriber.topic(), snapshot(groups));
				}
				lastOfGroup.run();
			}
		}
	}

	/**
	 * The subscriber of a group that takes an event with a key.
	 * @param topic the topic
	 * @param group the group
	 * @param key the event's key
	 * @return the subscriber, or {@code null} if the group has none here
	 */
	@Nullable EventSubscriber<?> pick(String topic, String group, @Nullable String key) {
		Map<String, EventGroup> groups = this.topics.get(topic);
		EventGroup members = (groups != null) ? groups.get(group) : null;
		return (members != null) ? members.pick(key) : null;
	}

	/**
	 * What an event published to a topic reaches in this process.
	 * @param topic the topic
	 * @return the snapshot, the same instance until a group joins or leaves
	 */
	Local local(String topic) {
		return this.local.getOrDefault(topic, this.applicationOnly);
	}

	private Local snapshot(Map<String, EventGroup> subscribed) {
		Set<String> groups = new LinkedHashSet<>();
		groups.add(this.applicationGroup);
		groups.addAll(subscribed.keySet());
		return new Local(Collections.unmodifiableSet(groups), Map.copyOf(subscribed));
	}

	/**
	 * The groups an event published to a topic reaches in this process, and the
	 * subscribed ones with their members, from one moment.
	 *
	 * @param groups the application's group and every subscribed group
	 * @param subscribed the subscribed groups by name (a group whose last member left
	 * since is empty)
	 */
	record Local(Set<String> groups, Map<String, EventGroup> subscribed) {
	}

}
