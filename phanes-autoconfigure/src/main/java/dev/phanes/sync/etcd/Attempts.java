package dev.phanes.sync.etcd;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.phanes.sync.etcd.Attempt.Acquisition;
import dev.phanes.sync.etcd.Attempt.LeaseEnded;
import dev.phanes.sync.etcd.Attempt.State;
import dev.phanes.sync.etcd.EtcdLeases.KeptLease;
import org.springframework.dao.CannotAcquireLockException;

import static dev.phanes.sync.etcd.EtcdLeases.call;

/**
 * The Lock requests of one {@link EtcdLockEngine}, at most one per name, and the keys
 * they leave behind: a request whose caller gave up is abandoned and its key deleted once
 * etcd has answered, unless a new acquisition of the name takes it over first; a key that
 * could not be deleted at once is a leftover, deleted in the background until it is gone
 * or its lease is lost. Every delete is conditional on the key's create revision (see
 * {@link #deleteKey(Attempt)}), so one that etcd applies late never deletes the key of a
 * later acquisition under the same lease. Thread-safe; an attempt's state changes under
 * its monitor, and background work runs on the engine's executor.
 */
final class Attempts {

	private static final Log logger = LogFactory.getLog(Attempts.class);

	private final Client client;

	private final EtcdLockKeys keys;

	private final String endpoints;

	private final Duration requestTimeout;

	private final ScheduledExecutorService executor;

	private final ConcurrentMap<String, Attempt> byName = new ConcurrentHashMap<>();

	Attempts(Client client, EtcdLockKeys keys, String endpoints, Duration requestTimeout,
			ScheduledExecutorService executor) {
		this.client = client;
		this.keys = keys;
		this.endpoints = endpoints;
		this.requestTimeout = requestTimeout;
		this.executor = executor;
	}

	/**
	 * Return the attempt for a name, if there is one.
	 * @param name the lock's name
	 * @return the attempt or {@code null}
	 */
	@Nullable Attempt get(String name) {
		return this.byName.get(name);
	}

	/**
	 * Return how many attempts are held.
	 * @return the count
	 */
	int held() {
		return (int) this.byName.values().stream().filter((attempt) -> attempt.state == State.HELD).count();
	}

	/**
	 * Send a Lock request for a name under a lease.
	 * @return the attempt, or {@code null} if another one for the name came first
	 */
	@Nullable Attempt send(String name, KeptLease lease) {
		Attempt attempt = new Attempt(name, lease, this.keys.attempt(name, lease));
		if (this.byName.putIfAbsent(name, attempt) != null) {
			return null;
		}
		this.client.getLockClient()
			.lock(this.keys.lock(name), lease.id)
			.whenComplete((response, error) -> answered(attempt, response, error));
		return attempt;
	}

	/**
	 * Take etcd's answer to a Lock request; runs on jetcd's event loop.
	 */
	private void answered(Attempt attempt, @Nullable LockResponse response, @Nullable Throwable error) {
		if (response != null) {
			attempt.bound = response.getHeader().getRevision();
			attempt.outcome.complete(response);
		}
		else {
			attempt.outcome.completeExceptionally((error != null) ? error : new IllegalStateException("no answer"));
		}
		execute(() -> {
			boolean late;
			synchronized (attempt) {
				// DONE without an acquisition: its lease was lost while it waited
				late = attempt.state == State.DONE && attempt.acquisition == null && response != null;
			}
			if (late) {
				// granted under a lease lost meanwhile, never held: the key goes with
				// the lease at the latest
				deleteKey(attempt);
			}
			else {
				settle(attempt);
			}
		});
	}

	/**
	 * Deal with the attempt found for a name before asking etcd.
	 * @return {@code true} to wait for the attempt, {@code false} to look again
	 */
	boolean takeOver(Attempt attempt) {
		State state;
		synchronized (attempt) {
			state = attempt.state;
			switch (attempt.state) {
				case ABANDONED -> {
					attempt.state = State.WAITING;
					return true;
				}
				case HELD -> {
					Acquisition acquisition = attempt.acquisition;
					if (acquisition == null || !acquisition.isFinished()) {
						throw new IllegalStateException("Lock '" + attempt.name
								+ "' is already held through this engine: give each registry its own engine");
					}
					// lost, and dropped by its holder without a release
					attempt.state = State.DONE;
				}
				case WAITING -> throw new IllegalStateException("Lock '" + attempt.name
						+ "' is already being acquired through this engine: give each registry its own engine");
				case LEFTOVER -> {
					// below, outside the monitor
				}
				case DONE -> {
				}
			}
		}
		if (state == State.LEFTOVER) {
			deleteNow(attempt);
		}
		this.byName.remove(attempt.name, attempt);
		return false;
	}

	/**
	 * Give up waiting for an attempt.
	 * @return {@code true} if it was abandoned, {@code false} if etcd answered meanwhile
	 */
	boolean abandon(Attempt attempt, boolean interrupted) {
		synchronized (attempt) {
			if (attempt.outcome.isDone() && !interrupted) {
				return false;
			}
			attempt.state = State.ABANDONED;
		}
		settle(attempt);
		return true;
	}

	/**
	 * Delete the key of an abandoned attempt once etcd has answered.
	 */
	private void settle(Attempt attempt) {
		synchronized (attempt) {
			if (attempt.state != State.ABANDONED || !attempt.outcome.isDone()) {
				return;
			}
			// in the same step as the check: a caller taking the attempt over finds it
			// either still ABANDONED (and waits for its answer) or LEFTOVER
			attempt.state = State.LEFTOVER;
		}
		deleteInBackground(attempt);
	}

	/**
	 * Delete an attempt's key in the background, until it is gone or the lease is lost;
	 * the attempt's caller gave it up.
	 */
	void leftover(Attempt attempt) {
		synchronized (attempt) {
			if (attempt.state == State.DONE) {
				return;
			}
			attempt.state = State.LEFTOVER;
		}
		deleteInBackground(attempt);
	}

	private void deleteInBackground(Attempt attempt) {
		deleteKey(attempt).whenComplete((deleted, error) -> {
			if (error == null) {
				forget(attempt);
			}
			else {
				schedule(() -> {
					if (attempt.state == State.LEFTOVER && attempt.lease.lost == null) {
						deleteInBackground(attempt);
					}
				});
			}
		});
	}

	private void deleteNow(Attempt attempt) {
		try {
			call(deleteKey(attempt), this.requestTimeout);
			forget(attempt);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new CannotAcquireLockException("Could not acquire lock '" + attempt.name
					+ "': an earlier request's key is still to be deleted and etcd at " + this.endpoints
					+ " did not answer (key prefix '" + this.keys.prefix() + "'): " + ex, ex);
		}
	}

	/**
	 * Delete an attempt's key unless it was written after the attempt's
	 * {@linkplain Attempt#bound bound}, that is by a later acquisition of the name under
	 * the same lease. When the bound is unknown (the request failed), a read learns one;
	 * it is only taken if the attempt is not yet forgotten when the read is answered: a
	 * later acquisition of the name only starts once this attempt is forgotten, so no key
	 * of its could exist at that read. Deletes answered late can therefore never delete
	 * another acquisition's key.
	 * @return whether a key was deleted
	 */
	CompletableFuture<Boolean> deleteKey(Attempt attempt) {
		KV kv = this.client.getKVClient();
		CompletableFuture<Long> bound = (attempt.bound > 0) ? CompletableFuture.completedFuture(attempt.bound)
				: kv.get(attempt.key, GetOption.builder().withCountOnly(true).build())
					.thenApply((read) -> learnBound(attempt, read.getHeader().getRevision()));
		return bound.thenCompose((revision) -> (revision == 0) ? CompletableFuture.completedFuture(false)
				: kv.txn()
					.If(new Cmp(attempt.key, Cmp.Op.LESS, CmpTarget.createRevision(revision + 1)))
					.Then(Op.delete(attempt.key, DeleteOption.DEFAULT))
					.commit()
					.thenApply((result) -> result.isSucceeded() && !result.getDeleteResponses().isEmpty()
							&& result.getDeleteResponses().get(0).getDeleted() > 0));
	}

	/**
	 * Take a revision read for an attempt whose bound was unknown.
	 * @return the bound, or {@code 0} if the attempt was forgotten meanwhile (its key may
	 * be a later acquisition's now)
	 */
	private long learnBound(Attempt attempt, long revision) {
		synchronized (attempt) {
			if (attempt.state == State.DONE) {
				return 0;
			}
			if (attempt.bound == 0) {
				attempt.bound = revision;
			}
			return attempt.bound;
		}
	}

	/**
	 * Forget an attempt whose key is gone or went with its lease.
	 */
	void forget(Attempt attempt) {
		synchronized (attempt) {
			attempt.state = State.DONE;
		}
		this.byName.remove(attempt.name, attempt);
	}

	/**
	 * Tell every hold of a lost lease, wake the callers waiting under it (they ask again
	 * under a new lease), and forget its other attempts, whose keys went with it.
	 */
	void leaseLost(KeptLease lease, String reason) {
		for (Attempt attempt : this.byName.values()) {
			if (attempt.lease != lease) {
				continue;
			}
			Acquisition held = null;
			synchronized (attempt) {
				if (attempt.state == State.WAITING) {
					attempt.outcome.completeExceptionally(new LeaseEnded(reason));
					continue;
				}
				if (attempt.state == State.HELD) {
					held = attempt.acquisition;
				}
			}
			forget(attempt);
			if (held != null) {
				held.lose(reason);
			}
		}
	}

	private void execute(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			logger.debug("etcd lock engine closed; task dropped");
		}
	}

	private void schedule(Runnable task) {
		try {
			this.executor.schedule(task, 1, TimeUnit.SECONDS);
		}
		catch (RejectedExecutionException ex) {
			logger.debug("etcd lock engine closed; retry dropped");
		}
	}

}
