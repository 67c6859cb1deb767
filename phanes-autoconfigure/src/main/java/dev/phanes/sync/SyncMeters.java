package dev.phanes.sync;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Meters of the locks: {@code phanes.sync.lock.acquire} (time to acquire, tagged
 * {@code outcome} acquired or timed-out), {@code phanes.sync.lock.hold} (time held) and
 * {@code phanes.sync.lock.lost} (holds lost, tagged {@code reason}); every meter is
 * tagged {@code backend}. Lock names are not tags: they are the application's and
 * unbounded.
 */
public class SyncMeters implements LockObserver {

	private final MeterRegistry registry;

	/**
	 * Create the meters.
	 * @param registry where to register them
	 */
	public SyncMeters(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void acquired(String backend, boolean acquired, long waitNanos) {
		Timer.builder("phanes.sync.lock.acquire")
			.description("Time to acquire a lock, or to give up")
			.tag("backend", backend)
			.tag("outcome", acquired ? "acquired" : "timed-out")
			.register(this.registry)
			.record(waitNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void released(String backend, long heldNanos) {
		Timer.builder("phanes.sync.lock.hold")
			.description("Time a lock was held")
			.tag("backend", backend)
			.register(this.registry)
			.record(heldNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void lost(String backend, String reason) {
		Counter.builder("phanes.sync.lock.lost")
			.description("Locks lost before their holder released them")
			.tag("backend", backend)
			.tag("reason", reason)
			.register(this.registry)
			.increment();
	}

}
