package dev.phanes.event;

import org.jspecify.annotations.Nullable;

import dev.phanes.observation.PhanesObservationContext;

/**
 * What an observation of one publication or delivery knows: the transport, the topic, the
 * payload type and, for a delivery, the group.
 */
public class EventObservationContext extends PhanesObservationContext {

	private final Kind kind;

	private final String transport;

	private final String topic;

	private final String type;

	private final @Nullable String group;

	private Outcome outcome = Outcome.SUCCESS;

	/**
	 * Create a context.
	 * @param kind publication or delivery
	 * @param transport the transport ({@code local}, {@code kafka})
	 * @param topic the topic
	 * @param type the logical payload type name
	 * @param group the consumer group of a delivery, {@code null} for a publication
	 */
	public EventObservationContext(Kind kind, String transport, String topic, String type, @Nullable String group) {
		this.kind = kind;
		this.transport = transport;
		this.topic = topic;
		this.type = type;
		this.group = group;
	}

	/**
	 * Publication or delivery.
	 * @return the kind
	 */
	public Kind getKind() {
		return this.kind;
	}

	/**
	 * The transport.
	 * @return {@code local} or {@code kafka}
	 */
	public String getTransport() {
		return this.transport;
	}

	/**
	 * The topic.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * The logical payload type name.
	 * @return the type name
	 */
	public String getType() {
		return this.type;
	}

	/**
	 * The consumer group of a delivery.
	 * @return the group, or {@code null} for a publication
	 */
	public @Nullable String getGroup() {
		return this.group;
	}

	/**
	 * How it ended.
	 * @return the outcome
	 */
	public Outcome getOutcome() {
		return this.outcome;
	}

	/**
	 * Record how it ended.
	 * @param outcome the outcome
	 */
	public void setOutcome(Outcome outcome) {
		this.outcome = outcome;
	}

	/**
	 * What is observed.
	 */
	public enum Kind {

		/**
		 * Publishing an event, until the transport holds it.
		 */
		PUBLISH,

		/**
		 * Handing an event to a subscriber.
		 */
		DELIVER

	}

	/**
	 * How a publication or delivery ended.
	 */
	public enum Outcome {

		/**
		 * The transport took the event, or the subscriber handled it.
		 */
		SUCCESS,

		/**
		 * It failed.
		 */
		ERROR

	}

}
