package dev.phanes.store;

import java.time.Clock;

/**
 * Settings of a {@link DefaultStore}: the largest value accepted and the clock that
 * decides expiry.
 *
 * @param maxValueBytes the largest value accepted, in bytes
 * @param clock the clock deciding expiry
 */
public record StoreOptions(long maxValueBytes, Clock clock) {

	/**
	 * Default largest value: 1 MiB, CockroachDB's recommended maximum for one value.
	 */
	public static final long DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;

	/**
	 * Create options.
	 * @param maxValueBytes the largest value accepted, in bytes
	 * @param clock the clock deciding expiry
	 */
	public StoreOptions {
		if (maxValueBytes <= 0) {
			throw new IllegalArgumentException(
					"Maximum value size: phanes.store.max-value-size must be positive, got " + maxValueBytes);
		}
	}

	/**
	 * Options with the defaults: 1 MiB values and the system clock.
	 * @return the options
	 */
	public static StoreOptions defaults() {
		return new StoreOptions(DEFAULT_MAX_VALUE_BYTES, Clock.systemUTC());
	}

	/**
	 * Return a copy of these options with another clock.
	 * @param clock the clock
	 * @return the copy
	 */
	public StoreOptions withClock(Clock clock) {
		return new StoreOptions(this.maxValueBytes, clock);
	}

}
