package dev.phanes.event;

/**
 * A handler subscribed to a topic in a group; cancel it to stop receiving events.
 * Thread-safe.
 */
public interface EventSubscription {

	/**
	 * The topic subscribed to.
	 * @return the topic
	 */
	String topic();

	/**
	 * The consumer group: each event reaches one subscriber of every group.
	 * @return the group
	 */
	String group();

	/**
	 * Whether the subscription still receives events.
	 * @return {@code false} once cancelled
	 */
	boolean isActive();

	/**
	 * Stop receiving events. An event being handled finishes; no later one is delivered.
	 * Cancelling twice does nothing.
	 */
	void cancel();

}
