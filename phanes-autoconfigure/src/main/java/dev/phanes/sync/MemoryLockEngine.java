package dev.phanes.sync;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Locks in this process's memory, the default: nothing to run, nothing shared with other
 * processes. Tokens start at 1 for each name and live as long as the engine. Several
 * registries may share one engine; each is then a separate holder.
 */
public final class MemoryLockEngine implements LockEngine {

	private final Map<String, State> states;

	private final String holderId;

	/**
	 * Create an engine whose registry holds locks under a random id.
	 */
	public MemoryLockEngine() {
		this(new HashMap<>());
	}

	private MemoryLockEngine(Map<String, State> states) {
		this.states = states;
		this.holderId = "memory-" + UUID.randomUUID();
	}

	/**
	 * Return another holder of the same locks, as a second process would be.
	 * @return an engine on this one's locks with its own holder id
	 */
	public MemoryLockEngine sharedWithAnotherHolder() {
		return new MemoryLockEngine(this.states);
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
		synchronized (this.states) {
			State state = this.states.computeIfAbsent(name, (key) -> new State());
			while (state.holder != null) {
				if (wait == null) {
					this.states.wait();
				}
				else {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						return null;
					}
					this.states.wait(Math.max(1, left / 1_000_000));
				}
			}
			state.token++;
			state.holder = new MemoryLease(this.holderId, state.token);
			return state.holder;
		}
	}

	@Override
	public boolean release(String name, Lease lease) {
		synchronized (this.states) {
			State state = this.states.get(name);
			if (state == null || state.holder != lease) {
				return false;
			}
			state.holder = null;
			this.states.notifyAll();
			return true;
		}
	}

	@Override
	public Optional<String> holder(String name) {
		synchronized (this.states) {
			State state = this.states.get(name);
			return Optional.ofNullable((state != null && state.holder != null) ? state.holder.holderId : null);
		}
	}

	/**
	 * The tokens and holder of one name.
	 */
	private static final class State {

		long token;

		@Nullable MemoryLease holder;

	}

	/**
	 * One acquisition.
	 */
	record MemoryLease(String holderId, long token) implements Lease {

	}

}
