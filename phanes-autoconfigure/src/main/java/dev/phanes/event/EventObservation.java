package dev.phanes.event;

import dev.phanes.observation.PhanesObservationDocumentation;
import io.micrometer.common.docs.KeyName;

/**
 * The observations of the event bus, their meters' description and their keys.
 */
public enum EventObservation implements PhanesObservationDocumentation {

	/**
	 * A publication of an event.
	 */
	PUBLISH(Definition
		.of(DefaultEventObservationConvention.PUBLISH, "Events published", DefaultEventObservationConvention.class)
		.lowCardinality(LowCardinalityKeys.values())
		.highCardinality(HighCardinalityKeys.values())
		.external(LowCardinalityKeys.TOPIC)),

	/**
	 * A delivery of an event to one subscriber.
	 */
	DELIVER(Definition
		.of(DefaultEventObservationConvention.DELIVER, "Events delivered to a subscriber",
				DefaultEventObservationConvention.class)
		.lowCardinality(LowCardinalityKeys.values())
		.highCardinality(HighCardinalityKeys.values())
		.external(LowCardinalityKeys.TOPIC));

	private final Definition definition;

	EventObservation(Definition definition) {
		this.definition = definition;
	}

	@Override
	public Definition definition() {
		return this.definition;
	}

	/**
	 * Low-cardinality keys: tags of meters and spans.
	 */
	public enum LowCardinalityKeys implements KeyName {

		/**
		 * The transport: {@code local} or {@code kafka}.
		 */
		TRANSPORT {

			@Override
			public String asString() {
				return "transport";
			}

		},

		/**
		 * The topic.
		 */
		TOPIC {

			@Override
			public String asString() {
				return "topic";
			}

		},

		/**
		 * {@code success} or {@code error}.
		 */
		OUTCOME {

			@Override
			public String asString() {
				return "outcome";
			}

		};

	}

	/**
	 * High-cardinality keys: on spans only.
	 */
	public enum HighCardinalityKeys implements KeyName {

		/**
		 * The logical payload type.
		 */
		TYPE {

			@Override
			public String asString() {
				return "phanes.event.type";
			}

		},

		/**
		 * The subscriber group (deliveries only).
		 */
		GROUP {

			@Override
			public String asString() {
				return "phanes.event.group";
			}

		};

	}

}
