package dev.phanes.loadbalancer;

import dev.phanes.observation.PhanesObservationDocumentation;
import io.micrometer.common.docs.KeyName;

/**
 * The observations of the load balancer, their meters' description and their keys.
 */
public enum LoadBalancerObservation implements PhanesObservationDocumentation {

	/**
	 * A choice of an instance for one request or retry.
	 */
	CHOICE(Definition
		.of(DefaultLoadBalancerObservationConvention.NAME, "Load-balancer choices of an instance",
				DefaultLoadBalancerObservationConvention.class)
		.lowCardinality(LowCardinalityKeys.values())
		.external(LowCardinalityKeys.SERVICE));

	private final Definition definition;

	LoadBalancerObservation(Definition definition) {
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
		 * The service id chosen among.
		 */
		SERVICE {

			@Override
			public String asString() {
				return "service";
			}

		},

		/**
		 * {@code hash} (a hash key was given) or {@code random}.
		 */
		STRATEGY {

			@Override
			public String asString() {
				return "strategy";
			}

		},

		/**
		 * {@code first} or {@code retry}.
		 */
		ATTEMPT {

			@Override
			public String asString() {
				return "attempt";
			}

		},

		/**
		 * {@code chosen} or {@code none}.
		 */
		OUTCOME {

			@Override
			public String asString() {
				return "outcome";
			}

		};

	}

}
