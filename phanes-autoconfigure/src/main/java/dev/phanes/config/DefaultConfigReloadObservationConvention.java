package dev.phanes.config;

import java.util.Locale;

import io.micrometer.common.KeyValues;

/**
 * The default naming of reload observations: {@code phanes.config.reload} with the
 * low-cardinality tags {@code source} ({@code etcd}, {@code file}) and {@code outcome}
 * ({@code success}, {@code rejected}, {@code error}); the number of changed keys goes on
 * spans only.
 */
public class DefaultConfigReloadObservationConvention implements ConfigReloadObservationConvention {

	/**
	 * Name of the observation, and so of the timer ({@code phanes_config_reload_seconds}
	 * in Prometheus).
	 */
	public static final String NAME = "phanes.config.reload";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(ConfigReloadObservationContext context) {
		return "config reload";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(ConfigReloadObservationContext context) {
		return KeyValues.of(ConfigObservation.LowCardinalityKeys.SOURCE.asString(),
				context.getSource().name().toLowerCase(Locale.ROOT),
				ConfigObservation.LowCardinalityKeys.OUTCOME.asString(),
				context.getOutcome().name().toLowerCase(Locale.ROOT));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(ConfigReloadObservationContext context) {
		return KeyValues.of(ConfigObservation.HighCardinalityKeys.CHANGED_KEYS.asString(),
				Integer.toString(context.getChangedKeys().size()));
	}

}
