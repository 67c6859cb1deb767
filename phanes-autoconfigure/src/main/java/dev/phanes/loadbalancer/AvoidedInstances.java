package dev.phanes.loadbalancer;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Instances set aside after a failure, for a fixed time (go-micro's blacklist): the
 * balancer chooses among the others until the time is up, then the instance comes back.
 * Thread-safe; checking an instance takes no lock.
 */
public class AvoidedInstances {

	private final ConcurrentHashMap<String, Long> until = new ConcurrentHashMap<>();

	private final Duration duration;

	private final Clock clock;

	/**
	 * Create an empty set.
	 * @param duration how long a failed instance is avoided
	 * @param clock the clock deciding when it comes back
	 */
	public AvoidedInstances(Duration duration, Clock clock) {
		this.duration = duration;
		this.clock = clock;
	}

	/**
	 * Avoid an instance from now on for the configured time.
	 * @param instance the instance that failed
	 */
	public void avoid(ServiceInstance instance) {
		if (!isEnabled()) {
			return;
		}
		long now = this.clock.millis();
		forgetExpired(now);
		this.until.put(RendezvousHash.identity(instance), now + this.duration.toMillis());
	}

	/**
	 * Whether failed instances are avoided at all: not with a duration of 0.
	 * @return whether avoidance is on
	 */
	public boolean isEnabled() {
		return !this.duration.isZero() && !this.duration.isNegative();
	}

	/**
	 * Whether an instance is avoided now.
	 * @param instance the instance
	 * @return whether to choose another
	 */
	public boolean isAvoided(ServiceInstance instance) {
		if (this.until.isEmpty()) {
			return false;
		}
		String identity = RendezvousHash.identity(instance);
		Long until = this.until.get(identity);
		if (until == null) {
			return false;
		}
		if (until <= this.clock.millis()) {
			this.until.remove(identity, until);
			return false;
		}
		return true;
	}

	/**
	 * Whether no instance is avoided, so choosing needs no filtering.
	 * @return whether the set is empty
	 */
	public boolean isEmpty() {
		if (this.until.isEmpty()) {
			return true;
		}
		// An instance that left discovery is never checked again: forget it here.
		forgetExpired(this.clock.millis());
		return this.until.isEmpty();
	}

	private void forgetExpired(long now) {
		this.until.values().removeIf((until) -> until <= now);
	}

	/**
	 * How many instances are avoided now.
	 * @return the count
	 */
	public int size() {
		long now = this.clock.millis();
		return (int) this.until.values().stream().filter((until) -> until > now).count();
	}

}
