package dev.phanes.store;

import java.time.Clock;

import io.micrometer.observation.ObservationRegistry;

/**
 * Settings every backend shares: the largest value accepted, the clock that decides
 * expiry and where observations go.
 *
 * @param maxValueBytes the largest value accepted, in bytes
 * @param clock the clock deciding expiry
 * @param observationRegistry where store operations are observed
 */
public record StoreOptions(long maxValueBytes, Clock clock, ObservationRegistry observationRegistry) {

	/**
	 * Default largest value: 1 MiB, CockroachDB's recommended maximum for one value.
	 */
	public static final long DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;

	/**
	 * Create options.
	 * @param maxValueBytes the largest value accepted, in bytes
	 * @param clock the clock deciding expiry
	 * @param observationRegistry where store operations are observed
	 */
	public StoreOptions {
		if (maxValueBytes <= 0) {
			throw new IllegalArgumentException(
					"Maximum value size: phanes.store.max-value-size must be positive, got " + maxValueBytes);
		}
	}

	/**
	 * Options with the defaults: 1 MiB values, the system clock, no observations.
	 * @return the options
	 */
	public static StoreOptions defaults() {
		return new StoreOptions(DEFAULT_MAX_VALUE_BYTES, Clock.systemUTC(), ObservationRegistry.NOOP);
	}

	/**
	 * Return a copy of these options with another clock.
	 * @param clock the clock
	 * @return the copy
	 */
	public StoreOptions withClock(Clock clock) {
		return new StoreOptions(this.maxValueBytes, clock, this.observationRegistry);
	}

}
