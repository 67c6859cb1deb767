package dev.phanes.config;

import dev.phanes.observation.PhanesObservationDocumentation;
import io.micrometer.common.docs.KeyName;

/**
 * The observations of configuration reloads, their meters' description and their keys.
 */
public enum ConfigObservation implements PhanesObservationDocumentation {

	/**
	 * A reload of the configuration.
	 */
	RELOAD(Definition
		.of(DefaultConfigReloadObservationConvention.NAME, "Configuration reloads",
				DefaultConfigReloadObservationConvention.class)
		.lowCardinality(LowCardinalityKeys.values())
		.highCardinality(HighCardinalityKeys.values())
		.external(LowCardinalityKeys.SOURCE));

	private final Definition definition;

	ConfigObservation(Definition definition) {
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
		 * The kind of source that changed.
		 */
		SOURCE {

			@Override
			public String asString() {
				return "source";
			}

		},

		/**
		 * How it ended.
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
		 * How many keys the reload changed.
		 */
		CHANGED_KEYS {

			@Override
			public String asString() {
				return "phanes.config.changed-keys";
			}

		};

	}

}
