package dev.phanes.config;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observations of configuration reloads.
 */
public interface ConfigReloadObservationConvention extends ObservationConvention<ConfigReloadObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof ConfigReloadObservationContext;
	}

}
