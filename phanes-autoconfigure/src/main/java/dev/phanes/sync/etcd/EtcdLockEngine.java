package dev.phanes.sync.etcd;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.options.GetOption;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
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
 * {@code <prefix><name>/}, each process's key being {@code <prefix><name>/<lease hex>}
 * under its lease. One lease per engine, per TTL in whole seconds (rounded up, at least 1
 * s), granted when first needed and kept alive by one keep-alive stream; when it is lost
 * ({@code lease-expired}: etcd says it is gone, or no keep-alive answer came for a whole
 * TTL; {@code keep-alive-failed}: the stream failed) every lock held under it is told,
 * and later acquisitions get a new lease. Closing revokes the leases, which frees every
 * lock at once; the jetcd client is not closed.
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
 * Names are keys as they are: the keys of a name that continues another with {@code /}
 * ({@code a/b} beside {@code a}) lie under the other's, so etcd's mutex makes {@code a}
 * wait while {@code a/b} is held (never the reverse, and never both held by two
 * processes).
 * <p>
 * Thread-safe; as the registry guarantees, one thread at a time asks for a given name.
 * Give each {@link dev.phanes.sync.DefaultFencedLockRegistry} its own engine.
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

	private static final Log logger = LogFactory.getLog(EtcdLockEngine.class);

	private final Client client;

	private final String endpoints;

	private final String prefix;

	private final String holdersPrefix;

	private final Duration requestTimeout;

	private final String holderId = "etcd-" + UUID.randomUUID();

	private final ScheduledExecutorService executor;

	private final EtcdLeases leases;

	private final ConcurrentMap<String, Attempt> attempts = new ConcurrentHashMap<>();

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
		if (prefix.isEmpty() || holdersPrefix.isEmpty() || prefix.startsWith(holdersPrefix)
				|| holdersPrefix.startsWith(prefix)) {
			throw new IllegalArgumentException("The lock prefix '" + prefix + "' and the holders prefix '"
					+ holdersPrefix + "' must be non-empty and neither may start with the other");
		}
		this.client = client;
		this.endpoints = endpoints;
		this.prefix = prefix;
		this.holdersPrefix = holdersPrefix;
		this.requestTimeout = requestTimeout;
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "phanes-sync-etcd");
			thread.setDaemon(true);
			return thread;
		});
		this.leases = new EtcdLeases(client, holdersPrefix, this.holderId, requestTimeout, this.executor,
				this::leaseLost);
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
			if (attempt != null && !takeOver(attempt)) {
				continue;
			}
			if (attempt == null) {
				if (once && isTaken(name)) {
					return null;
				}
				attempt = send(name, lease(name, ttlSeconds));
				if (attempt == null) {
					continue;
				}
			}
			LockResponse response;
			try {
				long left = deadline - System.nanoTime();
				response = (wait == null) ? attempt.outcome.get()
						: attempt.outcome.get(Math.max(0, left), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				if (abandon(attempt, false)) {
					return null;
				}
				continue;
			}
			catch (InterruptedException ex) {
				abandon(attempt, true);
				throw ex;
			}
			catch (ExecutionException ex) {
				if (ex.getCause() instanceof LeaseEnded || isLeaseGone(ex.getCause())) {
					this.leases.lose(attempt.lease, "lease-expired");
					forget(attempt);
					if (wait != null && deadline - System.nanoTime() <= 0) {
						return null;
					}
					continue;
				}
				leftover(attempt);
				throw new CannotAcquireLockException("Could not acquire lock '" + name + "' on etcd at "
						+ this.endpoints + " (key prefix '" + this.prefix + "'): " + ex.getCause(), ex.getCause());
			}
			if (attempt.lease.ttlSeconds != ttlSeconds) {
				// taken over from an abandoned request with another TTL
				leftover(attempt);
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
	 * Deal with the attempt found for a name before asking etcd.
	 * @return {@code true} to wait for the attempt, {@code false} to look again
	 */
	private boolean takeOver(Attempt attempt) {
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
		this.attempts.remove(attempt.name, attempt);
		return false;
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
					+ this.endpoints + " (key prefix '" + this.prefix + "'): " + ex, ex);
		}
	}

	private boolean isTaken(String name) throws InterruptedException {
		try {
			return call(this.client.getKVClient()
				.get(bytes(this.prefix + name + "/"), GetOption.builder().isPrefix(true).withCountOnly(true).build()),
					this.requestTimeout)
				.getCount() > 0;
		}
		catch (InterruptedException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new CannotAcquireLockException("Could not acquire lock '" + name + "': etcd at " + this.endpoints
					+ " did not answer (key prefix '" + this.prefix + "'): " + ex, ex);
		}
	}

	/**
	 * Send a Lock request for a name under a lease.
	 * @return the attempt, or {@code null} if another one for the name came first
	 */
	private @Nullable Attempt send(String name, KeptLease lease) {
		Attempt attempt = new Attempt(name, lease, bytes(this.prefix + name + "/" + lease.hex));
		if (this.attempts.putIfAbsent(name, attempt) != null) {
			return null;
		}
		this.client.getLockClient()
			.lock(bytes(this.prefix + name), lease.id)
			.whenComplete((response, error) -> answered(attempt, response, error));
		return attempt;
	}

	/**
	 * Take etcd's answer to a Lock request; runs on jetcd's event loop.
	 */
	private void answered(Attempt attempt, @Nullable LockResponse response, @Nullable Throwable error) {
		if (response != null) {
			attempt.outcome.complete(response);
		}
		else {
			attempt.outcome.completeExceptionally((error != null) ? error : new IllegalStateException("no answer"));
		}
		execute(() -> {
			boolean late;
			synchronized (attempt) {
				late = attempt.state == State.DONE && response != null;
			}
			if (late) {
				// granted under a lease lost meanwhile: the key goes with the lease at
				// the
				// latest
				this.client.getKVClient().delete(attempt.key);
			}
			else {
				settle(attempt);
			}
		});
	}

	/**
	 * Give up waiting for an attempt.
	 * @return {@code true} if it was abandoned, {@code false} if etcd answered meanwhile
	 */
	private boolean abandon(Attempt attempt, boolean interrupted) {
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
		}
		leftover(attempt);
	}

	/**
	 * Delete an attempt's key in the background, until it is gone or the lease is lost.
	 */
	private void leftover(Attempt attempt) {
		synchronized (attempt) {
			if (attempt.state == State.DONE) {
				return;
			}
			attempt.state = State.LEFTOVER;
		}
		this.client.getKVClient().delete(attempt.key).whenComplete((deleted, error) -> {
			if (error == null) {
				forget(attempt);
			}
			else {
				schedule(() -> {
					if (attempt.state == State.LEFTOVER && attempt.lease.lost == null) {
						leftover(attempt);
					}
				});
			}
		});
	}

	private void deleteNow(Attempt attempt) {
		try {
			call(this.client.getKVClient().delete(attempt.key), this.requestTimeout);
			forget(attempt);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new CannotAcquireLockException("Could not acquire lock '" + attempt.name
					+ "': an earlier request's key is still to be deleted and etcd at " + this.endpoints
					+ " did not answer (key prefix '" + this.prefix + "'): " + ex, ex);
		}
	}

	private static boolean isLeaseGone(@Nullable Throwable error) {
		// etcd's mutex answers "session expired" when the lease ended while it waited
		return (error instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND)
				|| (error != null && String.valueOf(error.getMessage()).contains("session expired"));
	}

	private void forget(Attempt attempt) {
		synchronized (attempt) {
			attempt.state = State.DONE;
		}
		this.attempts.remove(attempt.name, attempt);
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
			forget(attempt);
			return false;
		}
		try {
			long deleted = call(this.client.getKVClient().delete(attempt.key), this.requestTimeout).getDeleted();
			forget(attempt);
			return deleted > 0;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			leftover(attempt);
			throw new DataAccessResourceFailureException("Could not release lock '" + name + "' on etcd at "
					+ this.endpoints + " (key prefix '" + this.prefix + "'); its key is deleted when etcd answers, "
					+ "or when the lease expires: " + ex, ex);
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
		String keys = this.prefix + name + "/";
		try {
			GetResponse owner = call(this.client.getKVClient()
				.get(bytes(keys),
						GetOption.builder()
							.isPrefix(true)
							.withSortField(GetOption.SortTarget.CREATE)
							.withSortOrder(GetOption.SortOrder.ASCEND)
							.withLimit(1)
							.withKeysOnly(true)
							.build()),
					this.requestTimeout);
			if (owner.getKvs().isEmpty()) {
				return Optional.empty();
			}
			String lease = owner.getKvs().get(0).getKey().toString(StandardCharsets.UTF_8).substring(keys.length());
			if (lease.contains("/")) {
				// the key of a longer name holds this one up; no one holds this one
				return Optional.empty();
			}
			List<KeyValue> record = call(this.client.getKVClient().get(bytes(this.holdersPrefix + lease)),
					this.requestTimeout)
				.getKvs();
			return Optional.of(record.isEmpty() ? lease : record.get(0).getValue().toString(StandardCharsets.UTF_8));
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new DataAccessResourceFailureException("Could not read the holder of lock '" + name
					+ "' from etcd at " + this.endpoints + " (key prefix '" + this.prefix + "'): " + ex, ex);
		}
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
						.get(bytes(this.holdersPrefix), GetOption.builder().withCountOnly(true).build()),
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
		return (int) this.attempts.values().stream().filter((attempt) -> attempt.state == State.HELD).count();
	}

	/**
	 * Tell every hold of a lost lease, wake the callers waiting under it (they ask again
	 * under a new lease), and forget its other attempts, whose keys went with it.
	 */
	private void leaseLost(KeptLease lease, String reason) {
		for (Attempt attempt : this.attempts.values()) {
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

	/**
	 * Revoke the leases, which frees every lock of this engine at once, and tell the
	 * holders ({@code closed}); the jetcd client stays open.
	 */
	@Override
	public void close() {
		List<KeptLease> closed = this.leases.revokeAll();
		this.executor.shutdownNow();
		for (KeptLease lease : closed) {
			leaseLost(lease, "closed");
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
