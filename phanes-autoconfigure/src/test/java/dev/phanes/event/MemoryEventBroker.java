package dev.phanes.event;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A broker in memory that connects the buses of several application contexts in one JVM,
 * with Kafka's group rules: each group joined anywhere receives each event once, on one
 * of its members (the same one for the same key), unless the publishing process already
 * delivered it to that group. Delivery is synchronous and a failing receiver is recorded,
 * not retried. For tests of the bus's side of the {@link EventTransport} seam.
 */
final class MemoryEventBroker {

	private final Map<String, Map<String, List<Member>>> topics = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> carried = new ConcurrentHashMap<>();

	private final AtomicInteger rotation = new AtomicInteger();

	final List<Exception> failures = new CopyOnWriteArrayList<>();

	/**
	 * A transport of one process on this broker.
	 * @return a new transport
	 */
	EventTransport transport() {
		return new Transport();
	}

	/**
	 * How many events were sent to a topic.
	 * @param topic the topic
	 * @return the count
	 */
	long carried(String topic) {
		AtomicLong count = this.carried.get(topic);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * How many processes joined a group on a topic.
	 * @param topic the topic
	 * @param group the group
	 * @return the count
	 */
	int members(String topic, String group) {
		return this.topics.getOrDefault(topic, Map.of()).getOrDefault(group, List.of()).size();
	}

	private record Member(Transport transport, EventTransport.Receiver receiver) {

	}

	private final class Transport implements EventTransport {

		@Override
		public String name() {
			return "memory";
		}

		@Override
		public CompletableFuture<Void> send(Event<?> event, Set<String> deliveredGroups) {
			MemoryEventBroker.this.carried.computeIfAbsent(event.topic(), (topic) -> new AtomicLong())
				.incrementAndGet();
			Map<String, List<Member>> groups = MemoryEventBroker.this.topics.getOrDefault(event.topic(), Map.of());
			groups.forEach((group, members) -> {
				if (!deliveredGroups.contains(group) && !members.isEmpty()) {
					int pick = (event.key() != null) ? event.key().hashCode()
							: MemoryEventBroker.this.rotation.getAndIncrement();
					try {
						members.get(Math.floorMod(pick, members.size())).receiver().receive(event);
					}
					catch (Exception ex) {
						MemoryEventBroker.this.failures.add(ex);
					}
				}
			});
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public synchronized void join(String topic, String group, Receiver receiver) {
			List<Member> members = MemoryEventBroker.this.topics
				.computeIfAbsent(topic, (name) -> new ConcurrentHashMap<>())
				.computeIfAbsent(group, (name) -> new CopyOnWriteArrayList<>());
			if (members.stream().noneMatch((member) -> member.transport() == this)) {
				members.add(new Member(this, receiver));
			}
		}

		@Override
		public synchronized void leave(String topic, String group) {
			Map<String, List<Member>> groups = MemoryEventBroker.this.topics.get(topic);
			List<Member> members = (groups != null) ? groups.get(group) : null;
			if (members != null) {
				members.removeIf((member) -> member.transport() == this);
			}
		}

	}

}
