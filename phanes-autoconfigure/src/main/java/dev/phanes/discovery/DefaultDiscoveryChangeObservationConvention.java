package dev.phanes.discovery;

import io.micrometer.common.KeyValues;

/**
 * The default naming of discovery view changes: {@code phanes.discovery.change} with the
 * low-cardinality tag {@code change} ({@code added}, {@code removed}, {@code updated}, or
 * {@code mixed} when a change does more than one); the numbers of instances and the view
 * version go on spans only.
 */
public class DefaultDiscoveryChangeObservationConvention implements DiscoveryChangeObservationConvention {

	/**
	 * Name of the observation, and so of the timer
	 * ({@code phanes_discovery_change_seconds} in Prometheus).
	 */
	public static final String NAME = "phanes.discovery.change";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(DiscoveryChangeObservationContext context) {
		return "discovery change";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(DiscoveryChangeObservationContext context) {
		return KeyValues.of(DiscoveryObservation.LowCardinalityKeys.CHANGE.asString(), kind(context.getChange()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(DiscoveryChangeObservationContext context) {
		DiscoveryChange change = context.getChange();
		return KeyValues.of(DiscoveryObservation.HighCardinalityKeys.VERSION.asString(),
				String.valueOf(change.version()), DiscoveryObservation.HighCardinalityKeys.ADDED.asString(),
				String.valueOf(change.added().size()), DiscoveryObservation.HighCardinalityKeys.REMOVED.asString(),
				String.valueOf(change.removed().size()), DiscoveryObservation.HighCardinalityKeys.UPDATED.asString(),
				String.valueOf(change.updated().size()));
	}

	private static String kind(DiscoveryChange change) {
		int kinds = (change.added().isEmpty() ? 0 : 1) + (change.removed().isEmpty() ? 0 : 1)
				+ (change.updated().isEmpty() ? 0 : 1);
		if (kinds != 1) {
			return "mixed";
		}
		return !change.added().isEmpty() ? "added" : !change.removed().isEmpty() ? "removed" : "updated";
	}

}
