package dev.phanes.sync.etcd;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.lock.LockResponse;
import org.jspecify.annotations.Nullable;

import dev.phanes.sync.LockEngine;

/**
 * One Lock request of an {@link EtcdLockEngine} for a name, and its key
 * ({@code <prefix><encoded name>/<lease hex>}, as etcd's mutex writes it, see
 * {@link EtcdLockKeys}) until that key is gone. The engine keeps at most one per name: a
 * second request under the same lease would be given the same key, and both callers would
 * think they hold the lock. Its state changes under the attempt's monitor.
 */
final class Attempt {

	final String name;

	final EtcdLeases.KeptLease lease;

	final ByteSequence key;

	/** Completed by jetcd's answer, or with {@link LeaseEnded} when the lease is lost. */
	final CompletableFuture<LockResponse> outcome = new CompletableFuture<>();

	/**
	 * A revision at which the key, if it existed, was this attempt's: the revision of
	 * etcd's answer, or of a read made after the request failed; {@code 0} while unknown.
	 * A later acquisition of the name under the same lease writes the key afresh, at a
	 * greater create revision, so a delete of this attempt's key is made conditional on a
	 * create revision no greater than this, and can never delete the next holder's key.
	 */
	volatile long bound;

	volatile State state = State.WAITING;

	@Nullable Acquisition acquisition;

	Attempt(String name, EtcdLeases.KeptLease lease, ByteSequence key) {
		this.name = name;
		this.lease = lease;
		this.key = key;
	}

	/**
	 * Where an attempt is.
	 */
	enum State {

		/** A caller waits for etcd's answer. */
		WAITING,

		/** Its caller gave up; etcd may still grant it, then its key is deleted. */
		ABANDONED,

		/** Granted and returned to a caller. */
		HELD,

		/** Its key may still be in etcd and is being deleted. */
		LEFTOVER,

		/** Forgotten: the key is gone, or went with the lease. */
		DONE

	}

	/**
	 * An attempt's outcome when its lease was lost while its caller waited.
	 */
	static final class LeaseEnded extends RuntimeException {

		LeaseEnded(String reason) {
			super(reason, null, false, false);
		}

	}

	/**
	 * A granted attempt as its holder sees it: released or lost once.
	 */
	static final class Acquisition implements LockEngine.Lease {

		final Attempt attempt;

		private final long token;

		private final LockEngine.LossListener onLoss;

		private final AtomicBoolean finished = new AtomicBoolean();

		Acquisition(Attempt attempt, long token, LockEngine.LossListener onLoss) {
			this.attempt = attempt;
			this.token = token;
			this.onLoss = onLoss;
		}

		@Override
		public long token() {
			return this.token;
		}

		/**
		 * End the hold.
		 * @return whether it was still going (neither released nor lost)
		 */
		boolean finish() {
			return this.finished.compareAndSet(false, true);
		}

		boolean isFinished() {
			return this.finished.get();
		}

		/**
		 * Tell the holder the hold was lost, unless it ended before.
		 * @param reason why
		 */
		void lose(String reason) {
			if (finish()) {
				this.onLoss.lost(reason);
			}
		}

		@Override
		public String toString() {
			return "etcd lock '" + this.attempt.name + "' (token " + this.token + ", lease " + this.attempt.lease.hex
					+ ")";
		}

	}

}
