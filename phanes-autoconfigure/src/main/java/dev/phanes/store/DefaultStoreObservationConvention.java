package dev.phanes.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.common.KeyValues;

/**
 * The default naming of store observations: {@code phanes.store} with the low-cardinality
 * tags {@code backend}, {@code operation} and {@code outcome} ({@code success},
 * {@code conflict}, {@code error}); database and table go on spans only, since
 * applications choose them. The key values are built once per backend, operation and
 * outcome (and per database and table) and kept, as the store asks for them at the start
 * and the stop of every operation. Thread-safe.
 */
public class DefaultStoreObservationConvention implements StoreObservationConvention {

	/**
	 * Name of the observation, and so of the timer ({@code phanes_store_seconds} in
	 * Prometheus).
	 */
	public static final String NAME = "phanes.store";

	private static final String[] OUTCOMES = Arrays.stream(StoreObservationContext.Outcome.values())
		.map((outcome) -> outcome.name().toLowerCase(Locale.ROOT))
		.toArray(String[]::new);

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(StoreObservationContext context) {
		return switch (context.getOperation()) {
			case "read" -> "store read";
			case "list" -> "store list";
			case "write" -> "store write";
			case "delete" -> "store delete";
			default -> "store " + context.getOperation();
		};
	}

	/**
	 * Most backends, operations, databases and tables whose key values are kept.
	 */
	private static final int MAX_KEPT = 64;

	private final Map<String, Map<String, KeyValues[]>> lowCardinality = new ConcurrentHashMap<>();

	private final Map<String, Map<String, KeyValues>> highCardinality = new ConcurrentHashMap<>();

	@Override
	public KeyValues getLowCardinalityKeyValues(StoreObservationContext context) {
		// Built once per backend, operation and outcome: every store call asks twice.
		Map<String, KeyValues[]> byOperation = this.lowCardinality.get(context.getBackend());
		if (byOperation == null && this.lowCardinality.size() < MAX_KEPT) {
			byOperation = this.lowCardinality.computeIfAbsent(context.getBackend(),
					(backend) -> new ConcurrentHashMap<>());
		}
		KeyValues[] byOutcome = (byOperation != null) ? byOperation.get(context.getOperation()) : null;
		if (byOutcome == null) {
			byOutcome = Arrays.stream(StoreObservationContext.Outcome.values())
				.map((outcome) -> KeyValues.of(StoreObservation.LowCardinalityKeys.BACKEND.asString(),
						context.getBackend(), StoreObservation.LowCardinalityKeys.OPERATION.asString(),
						context.getOperation(), StoreObservation.LowCardinalityKeys.OUTCOME.asString(),
						OUTCOMES[outcome.ordinal()]))
				.toArray(KeyValues[]::new);
			if (byOperation != null && byOperation.size() < MAX_KEPT) {
				byOperation.putIfAbsent(context.getOperation(), byOutcome);
			}
		}
		return byOutcome[context.getOutcome().ordinal()];
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(StoreObservationContext context) {
		Map<String, KeyValues> byTable = this.highCardinality.get(context.getDatabase());
		if (byTable == null && this.highCardinality.size() < MAX_KEPT) {
			byTable = this.highCardinality.computeIfAbsent(context.getDatabase(),
					(database) -> new ConcurrentHashMap<>());
		}
		KeyValues keyValues = (byTable != null) ? byTable.get(context.getTable()) : null;
		if (keyValues == null) {
			keyValues = KeyValues.of(StoreObservation.HighCardinalityKeys.DATABASE.asString(), context.getDatabase(),
					StoreObservation.HighCardinalityKeys.TABLE.asString(), context.getTable());
			if (byTable != null && byTable.size() < MAX_KEPT) {
				byTable.putIfAbsent(context.getTable(), keyValues);
			}
		}
		return keyValues;
	}

}
