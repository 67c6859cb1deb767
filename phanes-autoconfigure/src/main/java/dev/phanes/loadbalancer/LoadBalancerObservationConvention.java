package dev.phanes.loadbalancer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observations of load-balancer choices.
 */
public interface LoadBalancerObservationConvention extends ObservationConvention<LoadBalancerObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof LoadBalancerObservationContext;
	}

}
