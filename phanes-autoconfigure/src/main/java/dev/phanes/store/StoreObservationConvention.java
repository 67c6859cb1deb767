package dev.phanes.store;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observations of store operations.
 */
public interface StoreObservationConvention extends ObservationConvention<StoreObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof StoreObservationContext;
	}

}
