package dev.phanes.discovery;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observations of discovery view changes.
 */
public interface DiscoveryChangeObservationConvention extends ObservationConvention<DiscoveryChangeObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof DiscoveryChangeObservationContext;
	}

}
