package dev.phanes.event;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The subscriptions of one bus, by topic and group, and the groups an event published
 * here reaches in this process: those of its subscribers and the application's own group
 * (its {@code @EventListener} methods). Reads are lock-free; subscribing and cancelling
 * are serialised. Thread-safe.
 */
final class EventSubscriptions {

	private final String applicationGroup;

	private final Map<String, Map<String, EventGroup>> topics = new ConcurrentHashMap<>();

	// per topic, replaced whenever a group joins or leaves, so that a publication reads a
	// snapshot and the transport may cache what it derives from it
	private final Map<String, Set<String>> localGroups = new ConcurrentHashMap<>();

	private final Object lock = new Object();

	EventSubscriptions(String applicationGroup) {
		this.applicationGroup = applicationGroup;
	}

	/**
	 * Add a subscriber.
	 * @param subscriber the subscriber
	 * @return whether it is the first of its group on its topic
	 */
	boolean add(EventSubscriber<?> subscriber) {
		synchronized (this.lock) {
			EventGroup members = this.topics.computeIfAbsent(subscriber.topic(), (name) -> new ConcurrentHashMap<>())
				.computeIfAbsent(subscriber.group(), (name) -> new EventGroup());
			boolean first = members.isEmpty();
			members.add(subscriber);
			this.localGroups.remove(subscriber.topic());
			return first;
		}
	}

	/**
	 * Remove a subscriber.
	 * @param subscriber the subscriber
	 * @return whether it was the last of its group on its topic
	 */
	boolean remove(EventSubscriber<?> subscriber) {
		synchronized (this.lock) {
			Map<String, EventGroup> groups = this.topics.get(subscriber.topic());
			EventGroup members = (groups != null) ? groups.get(subscriber.group()) : null;
			if (members != null && members.remove(subscriber)) {
				groups.remove(subscriber.group());
				this.localGroups.remove(subscriber.topic());
				return true;
			}
			return false;
		}
	}

	/**
	 * The groups subscribed to a topic in this process.
	 * @param topic the topic
	 * @return the groups by name, or {@code null} if there are none
	 */
	@Nullable Map<String, EventGroup> groups(String topic) {
		return this.topics.get(topic);
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
	 * The groups an event published to a topic reaches in this process: the application's
	 * group and every subscribed group.
	 * @param topic the topic
	 * @return an unmodifiable set, the same instance until a group joins or leaves
	 */
	Set<String> localGroups(String topic) {
		Set<String> groups = this.localGroups.get(topic);
		if (groups == null) {
			synchronized (this.lock) {
				groups = this.localGroups.computeIfAbsent(topic, this::snapshot);
			}
		}
		return groups;
	}

	private Set<String> snapshot(String topic) {
		Set<String> groups = new LinkedHashSet<>();
		groups.add(this.applicationGroup);
		Map<String, EventGroup> subscribed = this.topics.get(topic);
		if (subscribed != null) {
			groups.addAll(subscribed.keySet());
		}
		return Collections.unmodifiableSet(groups);
	}

}
