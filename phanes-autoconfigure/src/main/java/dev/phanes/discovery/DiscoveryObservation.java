package dev.phanes.discovery;

import dev.phanes.observation.PhanesObservationDocumentation;
import io.micrometer.common.docs.KeyName;

/**
 * The observations of discovery, their meters' description and their keys.
 */
public enum DiscoveryObservation implements PhanesObservationDocumentation {

	/**
	 * A change of the local discovery view.
	 */
	CHANGE(Definition
		.of(DefaultDiscoveryChangeObservationConvention.NAME, "Changes of the local discovery view",
				DefaultDiscoveryChangeObservationConvention.class)
		.lowCardinality(LowCardinalityKeys.values())
		.highCardinality(HighCardinalityKeys.values()));

	private final Definition definition;

	DiscoveryObservation(Definition definition) {
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
		 * What changed: {@code added}, {@code removed}, {@code updated} or {@code mixed}.
		 */
		CHANGE {

			@Override
			public String asString() {
				return "change";
			}

		};

	}

	/**
	 * High-cardinality keys: on spans only.
	 */
	public enum HighCardinalityKeys implements KeyName {

		/**
		 * The version of the view after the change.
		 */
		VERSION {

			@Override
			public String asString() {
				return "phanes.discovery.version";
			}

		},

		/**
		 * Instances added.
		 */
		ADDED {

			@Override
			public String asString() {
				return "phanes.discovery.added";
			}

		},

		/**
		 * Instances removed.
		 */
		REMOVED {

			@Override
			public String asString() {
				return "phanes.discovery.removed";
			}

		},

		/**
		 * Instances updated.
		 */
		UPDATED {

			@Override
			public String asString() {
				return "phanes.discovery.updated";
			}

		};

	}

}
