package dev.phanes.event;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observations of publications and deliveries.
 */
public interface EventObservationConvention extends ObservationConvention<EventObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof EventObservationContext;
	}

}
