package dev.phanes.sync.etcd;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.options.GetOption;
import org.jspecify.annotations.Nullable;

import dev.phanes.sync.LockEngine;
import dev.phanes.sync.etcd.Attempt.Acquisition;
import dev.phanes.sync.etcd.Attempt.LeaseEnded;
import dev.phanes.sync.etcd.Attempt.State;
import dev.phanes.sync.etcd.EtcdLeases.KeptLease;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;

import static dev.phanes.sync.etcd.EtcdLeases.bytes;
import static dev.phanes.sync.etcd.EtcdLeases.call;

/**
 * Locks on etcd through its lock service (jetcd's {@code Lock}, etcd's {@code v3lock}
 * over the {@code concurrency.Mutex}): the lock of a name is the oldest key under
 * {@code <prefix><encoded name>/}, each process's key being
 * {@code <prefix><encoded name>/<lease hex>} under its lease. The name is encoded without
 * {@code /} ({@code %} as {@code %25}, {@code /} as {@code %2F}), so that the keys of a
 * name never lie under another's: {@code a} and {@code a/b} are separate locks. One lease
 * per engine, per TTL in whole seconds (rounded up, at least 1 s), granted when first
 * needed and kept alive by one keep-alive stream; when it is lost ({@code lease-expired}:
 * etcd says it is gone, or no keep-alive answer came for a whole TTL;
 * {@code keep-alive-failed}: the stream failed) every lock held under it is told, and
 * later acquisitions get a new lease. Closing revokes the leases, which frees every lock
 * at once; the jetcd client is not closed.
 * <p>
 * The fencing token is the revision of etcd's answer to the Lock request
 * ({@code LockResponse.getHeader().getRevision()}). The mutex answers at a revision at
 * which the caller's key exists and is the oldest under the name (the revision of its own
 * put, or of the read after the older keys were deleted), and a key is only deleted at a
 * later revision. So the revision of one holder's grant comes before the deletion of its
 * key, which comes no later than the next holder's grant: tokens only grow across
 * holders, and across releases and acquisitions by one holder. They go back only if the
 * etcd cluster itself is replaced or restored from an older snapshot.
 * <p>
 * A wait that runs out abandons the request, which etcd may still grant: its key is then
 * deleted at once. Until an abandoned request has settled, a new acquisition of the name
 * waits for it (within its own wait) and takes it over rather than asking again under the
 * same lease. A zero wait first reads whether the name is free and then gives its request
 * up to the request timeout.
 * <p>
 * The holder id is {@code etcd-<random>}; each lease has a holder record under the
 * holders prefix, attached to it, which maps the lease of a lock's key back to the id.
 * <p>
 * One engine serves one registry: give each
 * {@link dev.phanes.sync.DefaultFencedLockRegistry} its own engine. Its lease is what
 * etcd knows a holder by, so registries sharing an engine would be one holder to etcd,
 * under one key per name; the engine only notices when they overlap on a name (an
 * {@link IllegalStateException} for a name it already holds or is acquiring).
 * <p>
 * Thread-safe; as the registry guarantees, one thread at a time asks for a given name.
 */
public final class EtcdLockEngine implements LockEngine {

	/**
	 * The prefix of lock keys unless one is given.
	 */
	public static final String DEFAULT_PREFIX = "/phanes/sync/locks/";

	/**
	 * The prefix of holder records unless one is given.
	 */
	public static final String DEFAULT_HOLDERS_PREFIX = "/phanes/sync/holders/";

	private final Client client;

	private final String endpoints;

	private final EtcdLockKeys keys;

	private final Duration requestTimeout;

	private final String holderId = "etcd-" + UUID.randomUUID();

	private final ScheduledExecutorService executor;

	private final EtcdLeases leases;

	private final Attempts attempts;

	private final LockHolders holders;

	/**
	 * Create an engine with the default prefixes.
	 * @param client the jetcd client, owned by the caller
	 * @param endpoints the client's endpoints, for messages
	 * @param requestTimeout how long to wait for one answer of etcd
	 */
	public EtcdLockEngine(Client client, String endpoints, Duration requestTimeout) {
		this(client, endpoints, DEFAULT_PREFIX, DEFAULT_HOLDERS_PREFIX, requestTimeout);
	}

	/**
	 * Create an engine.
	 * @param client the jetcd client, owned by the caller
	 * @param endpoints the client's endpoints, for messages
	 * @param prefix the start of every lock key
	 * @param holdersPrefix the start of every holder record; neither prefix may start
	 * with the other
	 * @param requestTimeout how long to wait for one answer of etcd
	 */
	public EtcdLockEngine(Client client, String endpoints, String prefix, String holdersPrefix,
			Duration requestTimeout) {
		this.keys = new EtcdLockKeys(prefix, holdersPrefix);
		this.client = client;
		this.endpoints = endpoints;
		this.requestTimeout = requestTimeout;
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "phanes-sync-etcd");
			thread.setDaemon(true);
			return thread;
		});
		this.attempts = new Attempts(client, this.keys, endpoints, requestTimeout, this.executor);
		this.holders = new LockHolders(client, this.keys, endpoints, requestTimeout);
		this.leases = new EtcdLeases(client, this.keys, this.holderId, requestTimeout, this.executor,
				this.attempts::leaseLost);
	}

	@Override
	public String backend() {
		return "etcd";
	}

	/**
	 * Return {@code etcd-<random>}, written as the value of each of this engine's holder
	 * records.
	 * @return the id
	 */
	@Override
	public String holderId() {
		return this.holderId;
	}

	@Override
	public @Nullable Lease acquire(String name, @Nullable Duration wait, Duration ttl, LossListener onLoss)
			throws InterruptedException {
		long ttlSeconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
		boolean once = wait != null && wait.isZero();
		long deadline = System.nanoTime()
				+ ((wait == null) ? 0 : once ? this.requestTimeout.toNanos() : wait.toNanos());
		while (true) {
			Attempt attempt = this.attempts.get(name);
			if (once && attempt != null && attempt.state == State.ABANDONED && !attempt.outcome.isDone()) {
				// our own earlier request waits behind another holder
				return null;
			}
			if (attempt != null && !this.attempts.takeOver(attempt)) {
				continue;
			}
			if (attempt == null) {
				if (once && this.holders.isTaken(name)) {
					return null;
				}
				attempt = this.attempts.send(name, lease(name, ttlSeconds));
				if (attempt == null) {
					continue;
				}
			}
			LockResponse response;
			try {
				response = await(attempt, (wait != null) ? deadline : null);
				if (response == null) {
					return null;
				}
			}
			catch (ExecutionException ex) {
				if (ex.getCause() instanceof LeaseEnded || isLeaseGone(ex.getCause())) {
					this.leases.lose(attempt.lease, "lease-expired");
					this.attempts.forget(attempt);
					if (wait != null && deadline - System.nanoTime() <= 0) {
						return null;
					}
					continue;
				}
				this.attempts.leftover(attempt);
				throw new CannotAcquireLockException("Could not acquire lock '" + name + "' on etcd at "
						+ this.endpoints + " (key prefix '" + this.keys.prefix() + "'): " + ex.getCause(),
						ex.getCause());
			}
			if (attempt.lease.ttlSeconds != ttlSeconds) {
				// taken over from an abandoned request with another TTL
				this.attempts.leftover(attempt);
				continue;
			}
			Acquisition acquisition = new Acquisition(attempt, response.getHeader().getRevision(), onLoss);
			synchronized (attempt) {
				attempt.state = State.HELD;
				attempt.acquisition = acquisition;
			}
			String lost = attempt.lease.lost;
			if (lost != null) {
				acquisition.lose(lost);
			}
			return acquisition;
		}
	}

	/**
	 * Wait for etcd's answer to an attempt, until a deadline if there is one.
	 * @return the answer, or {@code null} if the wait ran out and the attempt was
	 * abandoned
	 */
	private @Nullable LockResponse await(Attempt attempt, @Nullable Long deadline)
			throws ExecutionException, InterruptedException {
		try {
			return (deadline == null) ? attempt.outcome.get()
					: attempt.outcome.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			if (this.attempts.abandon(attempt, false)) {
				return null;
			}
			// etcd answered as the wait ran out: the answer stands (a grant is taken, not
			// left granted to nobody)
			return attempt.outcome.get();
		}
		catch (InterruptedException ex) {
			this.attempts.abandon(attempt, true);
			throw ex;
		}
	}

	private KeptLease lease(String name, long ttlSeconds) throws InterruptedException {
		try {
			return this.leases.lease(ttlSeconds);
		}
		catch (InterruptedException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new CannotAcquireLockException("Could not acquire lock '" + name + "': no lease from etcd at "
					+ this.endpoints + " (key prefix '" + this.keys.prefix() + "'): " + ex, ex);
		}
	}

	private static boolean isLeaseGone(@Nullable Throwable error) {
		// etcd's mutex answers "session expired" when the lease ended while it waited
		return (error instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND)
				|| (error != null && String.valueOf(error.getMessage()).contains("session expired"));
	}

	/**
	 * Release a lock: delete its key.
	 * @return whether the key was still there, held under this engine's lease
	 * @throws DataAccessResourceFailureException if etcd did not answer; the key is then
	 * deleted in the background, or goes with the lease
	 */
	@Override
	public boolean release(String name, Lease lease) {
		if (!(lease instanceof Acquisition acquisition)) {
			throw new IllegalArgumentException("Not an acquisition of this engine: " + lease);
		}
		Attempt attempt = acquisition.attempt;
		if (!acquisition.finish() || attempt.lease.lost != null) {
			this.attempts.forget(attempt);
			return false;
		}
		try {
			boolean deleted = call(this.attempts.deleteKey(attempt), this.requestTimeout);
			this.attempts.forget(attempt);
			return deleted;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			this.attempts.leftover(attempt);
			throw new DataAccessResourceFailureException("Could not release lock '" + name + "' on etcd at "
					+ this.endpoints + " (key prefix '" + this.keys.prefix()
					+ "'); its key is deleted when etcd answers, " + "or when the lease expires: " + ex, ex);
		}
	}

	/**
	 * Read the oldest key under the name, as etcd's mutex does, and the holder record of
	 * its lease.
	 * @return the holder id; the lease in hex for a key of a lease without a record
	 * @throws DataAccessResourceFailureException if etcd did not answer
	 */
	@Override
	public Optional<String> holder(String name) {
		return this.holders.holder(name);
	}

	/**
	 * Ask etcd for the current revision, a cheap request answered by a quorum.
	 * @return the revision
	 * @throws DataAccessResourceFailureException if etcd did not answer within the
	 * request timeout
	 */
	public long ping() {
		try {
			return call(
					this.client.getKVClient()
						.get(bytes(this.keys.holdersPrefix()), GetOption.builder().withCountOnly(true).build()),
					this.requestTimeout)
				.getHeader()
				.getRevision();
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new DataAccessResourceFailureException("etcd at " + this.endpoints + " did not answer: " + ex, ex);
		}
	}

	/**
	 * Return the leases kept now, in hex, each with whether its keep-alive is overdue.
	 * @return lease hex to whether etcd renewed it within its TTL
	 */
	public Map<String, Boolean> leases() {
		long now = System.nanoTime();
		Map<String, Boolean> leases = new TreeMap<>();
		for (KeptLease lease : this.leases.kept()) {
			leases.put(lease.hex, !lease.overdue(now));
		}
		return leases;
	}

	/**
	 * Return how many locks this engine holds.
	 * @return the count
	 */
	public int locksHeld() {
		return this.attempts.held();
	}

	/**
	 * Revoke the leases, which frees every lock of this engine at once, and tell the
	 * holders ({@code closed}); the jetcd client stays open.
	 */
	@Override
	public void close() {
		List<KeptLease> closed = this.leases.revokeAll();
		this.executor.shutdownNow();
		for (KeptLease lease : closed) {
			this.attempts.leaseLost(lease, "closed");
		}
	}

}
