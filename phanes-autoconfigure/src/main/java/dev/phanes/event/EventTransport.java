package dev.phanes.event;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What carries events between processes, under the one {@link EventBus}: the bus
 * validates, observes and delivers to this process's subscribers and
 * {@code @EventListener} methods itself, then hands the event to the transport for the
 * other processes; events from them come back through the {@link Receiver} of each group
 * the bus joined. Implementations are thread-safe.
 */
public interface EventTransport {

	/**
	 * The transport's name in observations and metrics ({@code transport} tag).
	 * @return a short lower-case name, such as {@code local} or {@code kafka}
	 */
	String name();

	/**
	 * Carry an event published in this process to the other processes. Consumers in
	 * {@code deliveredGroups}, in this process or another instance of it, must not
	 * receive it again: this process already served those groups.
	 * @param event the event
	 * @param deliveredGroups the groups that received the event in this process
	 * @return a completion that completes once the transport holds the event, or fails
	 * with an {@link EventException} saying why it does not
	 */
	CompletableFuture<Void> send(Event<?> event, Set<String> deliveredGroups);

	/**
	 * Receive the events of a topic in a consumer group from now on: the transport hands
	 * each event that reaches the group in this process to the receiver. Joining a group
	 * already joined changes nothing.
	 * @param topic the topic
	 * @param group the consumer group
	 * @param receiver where the group's events go
	 */
	void join(String topic, String group, Receiver receiver);

	/**
	 * Stop receiving the events of a topic in a group: once this returns, no event of the
	 * group reaches the receiver. The bus calls {@code join} and {@code leave} one at a
	 * time, in the order its subscriptions changed.
	 * @param topic the topic
	 * @param group the consumer group
	 */
	void leave(String topic, String group);

	/**
	 * Takes the events a transport received for one group.
	 */
	@FunctionalInterface
	interface Receiver {

		/**
		 * Handle an event that arrived from another process; throwing makes the transport
		 * deliver it again, as its retry rules say.
		 * @param event the event
		 * @throws Exception what handling threw
		 */
		void receive(Event<?> event) throws Exception;

	}

}
