package dev.phanes.loadbalancer;

import dev.phanes.observation.PhanesObservationContext;

/**
 * What an observation of one load-balancer choice knows: the service, whether a hash key
 * or chance chose, whether the request is a retry, and whether an instance was found.
 */
public class LoadBalancerObservationContext extends PhanesObservationContext {

	private final String serviceId;

	private final boolean hashed;

	private final boolean retry;

	private boolean chosen;

	/**
	 * Create a context.
	 * @param serviceId the service balanced
	 * @param hashed whether the request had a hash key
	 * @param retry whether the request retries a failed attempt on another instance
	 */
	public LoadBalancerObservationContext(String serviceId, boolean hashed, boolean retry) {
		this.serviceId = serviceId;
		this.hashed = hashed;
		this.retry = retry;
	}

	/**
	 * The service balanced.
	 * @return the service id
	 */
	public String getServiceId() {
		return this.serviceId;
	}

	/**
	 * Whether the request had a hash key.
	 * @return {@code true} for a hashed choice, {@code false} for a random one
	 */
	public boolean isHashed() {
		return this.hashed;
	}

	/**
	 * Whether the request retries a failed attempt.
	 * @return whether it is a retry
	 */
	public boolean isRetry() {
		return this.retry;
	}

	/**
	 * Whether an instance was chosen.
	 * @return {@code false} when the service had no instance
	 */
	public boolean isChosen() {
		return this.chosen;
	}

	/**
	 * Record whether an instance was chosen.
	 * @param chosen whether one was
	 */
	public void setChosen(boolean chosen) {
		this.chosen = chosen;
	}

}
