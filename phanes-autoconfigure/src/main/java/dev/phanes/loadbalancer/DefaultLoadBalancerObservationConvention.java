package dev.phanes.loadbalancer;

import io.micrometer.common.KeyValues;

/**
 * The default naming of load-balancer choices: {@code phanes.loadbalancer.choice} with
 * the low-cardinality tags {@code service}, {@code strategy} ({@code hash},
 * {@code random}), {@code attempt} ({@code first}, {@code retry}) and {@code outcome}
 * ({@code chosen}, {@code none}).
 */
public class DefaultLoadBalancerObservationConvention implements LoadBalancerObservationConvention {

	/**
	 * Name of the observation, and so of the timer
	 * ({@code phanes_loadbalancer_choice_seconds} in Prometheus).
	 */
	public static final String NAME = "phanes.loadbalancer.choice";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(LoadBalancerObservationContext context) {
		return "loadbalancer choice";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(LoadBalancerObservationContext context) {
		return KeyValues.of(LoadBalancerObservation.LowCardinalityKeys.SERVICE.asString(), context.getServiceId(),
				LoadBalancerObservation.LowCardinalityKeys.STRATEGY.asString(), context.isHashed() ? "hash" : "random",
				LoadBalancerObservation.LowCardinalityKeys.ATTEMPT.asString(), context.isRetry() ? "retry" : "first",
				LoadBalancerObservation.LowCardinalityKeys.OUTCOME.asString(), context.isChosen() ? "chosen" : "none");
	}

}
