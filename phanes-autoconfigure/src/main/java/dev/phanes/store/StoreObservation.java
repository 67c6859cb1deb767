package dev.phanes.store;

import dev.phanes.observation.PhanesObservationDocumentation;
import io.micrometer.common.docs.KeyName;

/**
 * The observations of the store, their meters' description and their keys.
 */
public enum StoreObservation implements PhanesObservationDocumentation {

	/**
	 * One store operation: a read, list, write or delete.
	 */
	OPERATION(Definition
		.of(DefaultStoreObservationConvention.NAME, "Store operations", DefaultStoreObservationConvention.class)
		.lowCardinality(LowCardinalityKeys.values())
		.highCardinality(HighCardinalityKeys.values()));

	private final Definition definition;

	StoreObservation(Definition definition) {
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
		 * The backend: {@code memory}, {@code file}, {@code jpa}, or {@code custom} for a
		 * store that does not name its own ({@link DescribedStore}).
		 */
		BACKEND {

			@Override
			public String asString() {
				return "backend";
			}

		},

		/**
		 * The operation: {@code read}, {@code list}, {@code write}, {@code delete}.
		 */
		OPERATION {

			@Override
			public String asString() {
				return "operation";
			}

		},

		/**
		 * How it ended: {@code success}, {@code conflict}, {@code error}.
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
		 * The database touched.
		 */
		DATABASE {

			@Override
			public String asString() {
				return "phanes.store.database";
			}

		},

		/**
		 * The table touched.
		 */
		TABLE {

			@Override
			public String asString() {
				return "phanes.store.table";
			}

		};

	}

}
