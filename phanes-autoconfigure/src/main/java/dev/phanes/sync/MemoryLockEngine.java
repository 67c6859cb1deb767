package dev.phanes.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Locks in this process's memory, the default: nothing to run, nothing shared with other
 * processes. Several registries may share one engine; each is then a separate holder.
 * <p>
 * Tokens are drawn from one sequence for all names: each is the greater of the previous
 * token plus one and the wall clock in microseconds. So they grow for every name while
 * the engine lives, and a restarted process goes on above the tokens of the one before
 * (fences kept in a file or database store stay valid), unless the clock was set back or
 * more than a million locks a second were taken.
 */
public final class MemoryLockEngine implements LockEngine {

	private final Locks locks;

	private final String holderId;

	/**
	 * Create an engine whose registry holds locks under a random id.
	 */
	public MemoryLockEngine() {
		this(new Locks());
	}

	private MemoryLockEngine(Locks locks) {
		this.locks = locks;
		this.holderId = "memory-" + UUID.randomUUID();
	}

	/**
	 * Return another holder of the same locks, as a second process would be.
	 * @return an engine on this one's locks with its own holder id
	 */
	public MemoryLockEngine sharedWithAnotherHolder() {
		return new MemoryLockEngine(this.locks);
	}

	@Override
	public String backend() {
		return "memory";
	}

	@Override
	public String holderId() {
		return this.holderId;
	}

	@Override
	public @Nullable Lease acquire(String name, @Nullable Duration wait, Duration ttl, LossListener onLoss)
			throws InterruptedException {
		long deadline = (wait != null) ? System.nanoTime() + wait.toNanos() : 0;
		synchronized (this.locks) {
			while (this.locks.holders.containsKey(name)) {
				if (wait == null) {
					this.locks.wait();
				}
				else {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						return null;
					}
					this.locks.wait(Math.max(1, left / 1_000_000));
				}
			}
			Instant now = Instant.now();
			long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
			this.locks.lastToken = Math.max(this.locks.lastToken + 1, micros);
			MemoryLease lease = new MemoryLease(this.holderId, this.locks.lastToken);
			this.locks.holders.put(name, lease);
			return lease;
		}
	}

	@Override
	public boolean release(String name, Lease lease) {
		synchronized (this.locks) {
			if (this.locks.holders.get(name) != lease) {
				return false;
			}
			this.locks.holders.remove(name);
			this.locks.notifyAll();
			return true;
		}
	}

	@Override
	public Optional<String> holder(String name) {
		synchronized (this.locks) {
			MemoryLease lease = this.locks.holders.get(name);
			return Optional.ofNullable((lease != null) ? lease.holderId : null);
		}
	}

	/**
	 * The locks held, by name, and the last token given; guarded by itself, whose monitor
	 * waiting acquisitions wait on.
	 */
	private static final class Locks {

		final Map<String, MemoryLease> holders = new HashMap<>();

		long lastToken;

	}

	/**
	 * One acquisition.
	 */
	record MemoryLease(String holderId, long token) implements Lease {

	}

}
