package dev.phanes.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The documentation of one Phanes observation: Micrometer's name, convention and key
 * names, plus what a meter's description (Prometheus' {@code HELP}) says and which
 * low-cardinality keys take their values from outside the application. Each block
 * documents its observations in an enum implementing this interface, beside its contexts
 * and conventions, and offers them as {@link DocumentedObservations}; an enum constant
 * only hands over its {@link Definition}.
 */
public interface PhanesObservationDocumentation extends ObservationDocumentation {

	/**
	 * What this observation is.
	 * @return its definition
	 */
	Definition definition();

	@Override
	default String getName() {
		return definition().name();
	}

	/**
	 * What the observation measures, for its meters' description.
	 * @return the description
	 */
	default String getDescription() {
		return definition().description();
	}

	@Override
	default Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
		return definition().convention();
	}

	@Override
	default KeyName[] getLowCardinalityKeyNames() {
		return definition().lowCardinality().clone();
	}

	@Override
	default KeyName[] getHighCardinalityKeyNames() {
		return definition().highCardinality().clone();
	}

	/**
	 * The low-cardinality keys whose values come from outside the application (services
	 * heard on the network, topics, configuration sources): the number of their distinct
	 * values is capped on meters.
	 * @return the keys, none unless the definition names some
	 */
	default KeyName[] getExternalKeyNames() {
		return definition().external().clone();
	}

	/**
	 * One observation.
	 *
	 * @param name its name, the name of its timer
	 * @param description what it measures
	 * @param convention its default convention
	 * @param lowCardinality its low-cardinality keys (meter tags)
	 * @param highCardinality its high-cardinality keys (span attributes only)
	 * @param external those low-cardinality keys whose values come from outside
	 */
	record Definition(String name, String description,
			Class<? extends ObservationConvention<? extends Observation.Context>> convention, KeyName[] lowCardinality,
			KeyName[] highCardinality, KeyName[] external) {

		/**
		 * Start a definition with no keys.
		 * @param name the name
		 * @param description what it measures
		 * @param convention the default convention
		 * @return the definition
		 */
		public static Definition of(String name, String description,
				Class<? extends ObservationConvention<? extends Observation.Context>> convention) {
			return new Definition(name, description, convention, new KeyName[0], new KeyName[0], new KeyName[0]);
		}

		/**
		 * The same definition with these low-cardinality keys.
		 * @param keys the keys
		 * @return the definition
		 */
		public Definition lowCardinality(KeyName... keys) {
			return new Definition(this.name, this.description, this.convention, keys, this.highCardinality,
					this.external);
		}

		/**
		 * The same definition with these high-cardinality keys.
		 * @param keys the keys
		 * @return the definition
		 */
		public Definition highCardinality(KeyName... keys) {
			return new Definition(this.name, this.description, this.convention, this.lowCardinality, keys,
					this.external);
		}

		/**
		 * The same definition with these low-cardinality keys marked as external.
		 * @param keys the keys
		 * @return the definition
		 */
		public Definition external(KeyName... keys) {
			return new Definition(this.name, this.description, this.convention, this.lowCardinality,
					this.highCardinality, keys);
		}

	}

}
