package dev.phanes.sync.jdbc;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.phanes.sync.LockEngine;

/**
 * Keeps the leases of a {@link JdbcLockEngine} alive: renews each every third of its TTL
 * and tells its holder when it ends before it is released. Renewals run one at a time on
 * a renewer thread; the deadlines are kept on a timer thread that never touches the
 * database, so that a holder is told when its TTL has passed since the last successful
 * renewal even while a statement to an unreachable database hangs. Thread-safe.
 */
final class JdbcLeaseKeeper implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(JdbcLeaseKeeper.class);

	private static final long MIN_PERIOD = TimeUnit.MILLISECONDS.toNanos(1);

	private final Rows rows;

	private final ScheduledExecutorService timer;

	private final ExecutorService renewer;

	private final Set<JdbcLease> leases = ConcurrentHashMap.newKeySet();

	JdbcLeaseKeeper(Rows rows, String threadPrefix) {
		this.rows = rows;
		this.timer = Executors.newSingleThreadScheduledExecutor(daemon(threadPrefix + "-deadlines"));
		this.renewer = Executors.newSingleThreadExecutor(daemon(threadPrefix + "-renewer"));
	}

	private static ThreadFactory daemon(String name) {
		return (task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Start keeping a lease alive.
	 * @param lease the lease, acquired at {@link JdbcLease#deadline} minus its TTL
	 */
	void keep(JdbcLease lease) {
		long period = Math.max(MIN_PERIOD, lease.ttl.toNanos() / 3);
		synchronized (lease) {
			this.leases.add(lease);
			try {
				lease.tick = this.timer.scheduleAtFixedRate(() -> renewSoon(lease), period, period,
						TimeUnit.NANOSECONDS);
				watchDeadline(lease);
			}
			catch (RejectedExecutionException ex) {
				this.leases.remove(lease);
				throw new IllegalStateException("The JDBC lock engine is closed", ex);
			}
		}
	}

	/**
	 * Stop keeping a lease alive; from now on its holder is not told of its loss.
	 * @param lease the lease
	 * @return whether it had not been lost
	 */
	boolean forget(JdbcLease lease) {
		synchronized (lease) {
			boolean kept = !lease.ended;
			end(lease);
			return kept;
		}
	}

	/**
	 * Return how many leases are kept alive.
	 * @return the count
	 */
	int size() {
		return this.leases.size();
	}

	private void renewSoon(JdbcLease lease) {
		synchronized (lease) {
			if (lease.ended || lease.renewing) {
				return;
			}
			lease.renewing = true;
		}
		try {
			this.renewer.execute(() -> renew(lease));
		}
		catch (RejectedExecutionException ex) {
			// closing
		}
	}

	private void renew(JdbcLease lease) {
		long start = System.nanoTime();
		boolean renewed;
		try {
			renewed = this.rows.renew(lease.path, lease.ttl);
		}
		catch (RuntimeException ex) {
			int failures;
			synchronized (lease) {
				lease.renewing = false;
				if (lease.ended) {
					return;
				}
				failures = ++lease.failures;
			}
			// the deadline tells the holder if the database stays out of reach
			if (failures == 1) {
				logger.warn("Could not renew lock '" + lease.name + "' (fencing token " + lease.token
						+ "); retrying until its TTL has passed", ex);
			}
			return;
		}
		if (renewed) {
			synchronized (lease) {
				lease.renewing = false;
				if (!lease.ended) {
					lease.failures = 0;
					lease.deadline = start + lease.ttl.toNanos();
					watchDeadline(lease);
				}
			}
			return;
		}
		String reason = "lease-expired";
		try {
			Optional<String> holder = this.rows.holder(lease.path);
			if (holder.isPresent() && !holder.get().equals(this.rows.clientId())) {
				reason = "taken-over";
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not tell who took lock '" + lease.name + "'", ex);
		}
		synchronized (lease) {
			lease.renewing = false;
		}
		lose(lease, reason);
	}

	private void watchDeadline(JdbcLease lease) {
		if (lease.expiry != null) {
			lease.expiry.cancel(false);
		}
		long left = lease.deadline - System.nanoTime();
		try {
			lease.expiry = this.timer.schedule(() -> expireIfDue(lease), Math.max(0, left), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// closing
		}
	}

	private void expireIfDue(JdbcLease lease) {
		synchronized (lease) {
			if (lease.ended || System.nanoTime() - lease.deadline < 0) {
				return;
			}
		}
		lose(lease, "lease-expired");
	}

	private void lose(JdbcLease lease, String reason) {
		synchronized (lease) {
			if (lease.ended) {
				return;
			}
			end(lease);
		}
		// Decided while the lease was held: a release that starts after this point finds
		// it
		// ended and does not wait for the listener.
		try {
			lease.onLoss.lost(reason);
		}
		catch (RuntimeException ex) {
			logger.warn("The loss listener of lock '" + lease.name + "' failed", ex);
		}
	}

	private void end(JdbcLease lease) {
		lease.ended = true;
		this.leases.remove(lease);
		if (lease.tick != null) {
			lease.tick.cancel(false);
		}
		if (lease.expiry != null) {
			lease.expiry.cancel(false);
		}
	}

	/**
	 * Stop keeping every lease alive without telling their holders, and stop the threads.
	 */
	@Override
	public void close() {
		for (JdbcLease lease : this.leases) {
			forget(lease);
		}
		this.timer.shutdownNow();
		this.renewer.shutdownNow();
	}

	/**
	 * What the keeper needs of the database.
	 */
	interface Rows {

		/**
		 * Extend the lock row of this client.
		 * @param path the lock key
		 * @param ttl the new TTL from now
		 * @return whether the row was this client's
		 */
		boolean renew(String path, Duration ttl);

		/**
		 * Read who holds a lock key.
		 * @param path the lock key
		 * @return the client id of the live row, or empty
		 */
		Optional<String> holder(String path);

		/**
		 * Return this client's id.
		 * @return the id
		 */
		String clientId();

	}

	/**
	 * One acquisition of a lock row, with its fencing token.
	 */
	static final class JdbcLease implements LockEngine.Lease {

		final String name;

		final String path;

		final long token;

		final Duration ttl;

		final LockEngine.LossListener onLoss;

		/**
		 * {@link System#nanoTime()} by which the row is renewed or lost; guarded by this.
		 */
		long deadline;

		/** Released or lost; guarded by this. */
		boolean ended;

		/** A renewal is queued or running; guarded by this. */
		boolean renewing;

		/** Renewals failed in a row; guarded by this. */
		int failures;

		@Nullable ScheduledFuture<?> tick;

		@Nullable ScheduledFuture<?> expiry;

		JdbcLease(String name, String path, long token, Duration ttl, long acquiredNanos,
				LockEngine.LossListener onLoss) {
			this.name = name;
			this.path = path;
			this.token = token;
			this.ttl = ttl;
			this.onLoss = onLoss;
			this.deadline = acquiredNanos + ttl.toNanos();
		}

		@Override
		public long token() {
			return this.token;
		}

		@Override
		public String toString() {
			return "JdbcLease[" + this.name + ", token " + this.token + "]";
		}

	}

}
