package dev.phanes.sync;

/**
 * Told what a {@link DefaultFencedLockRegistry} does, for metrics. Called on the threads
 * that lock and unlock, and on the engine's threads for losses; implementations must be
 * quick.
 */
public interface LockObserver {

	/**
	 * Observes nothing.
	 */
	LockObserver NONE = new LockObserver() {
	};

	/**
	 * An outermost acquisition ended.
	 * @param backend the engine's backend
	 * @param acquired whether the lock was taken
	 * @param waitNanos how long it took
	 */
	default void acquired(String backend, boolean acquired, long waitNanos) {
	}

	/**
	 * A hold ended: released, or dropped after it was lost.
	 * @param backend the engine's backend
	 * @param heldNanos how long it was held
	 */
	default void released(String backend, long heldNanos) {
	}

	/**
	 * A hold was lost.
	 * @param backend the engine's backend
	 * @param reason why
	 */
	default void lost(String backend, String reason) {
	}

}
