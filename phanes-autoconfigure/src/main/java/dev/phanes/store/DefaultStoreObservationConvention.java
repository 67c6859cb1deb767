package dev.phanes.store;

import java.util.Locale;

import io.micrometer.common.KeyValues;

/**
 * The default naming of store observations: {@code phanes.store} with the low-cardinality
 * tags {@code backend}, {@code operation} and {@code outcome} ({@code success},
 * {@code conflict}, {@code error}); database and table go on spans only, since
 * applications choose them.
 */
public class DefaultStoreObservationConvention implements StoreObservationConvention {

	/**
	 * Name of the observation, and so of the timer ({@code phanes_store_seconds} in
	 * Prometheus).
	 */
	public static final String NAME = "phanes.store";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(StoreObservationContext context) {
		return "store " + context.getOperation();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(StoreObservationContext context) {
		return KeyValues.of("backend", context.getBackend(), "operation", context.getOperation(), "outcome",
				context.getOutcome().name().toLowerCase(Locale.ROOT));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(StoreObservationContext context) {
		return KeyValues.of("phanes.store.database", context.getDatabase(), "phanes.store.table", context.getTable());
	}

}
