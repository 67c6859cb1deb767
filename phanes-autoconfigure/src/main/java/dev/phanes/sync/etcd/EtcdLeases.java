package dev.phanes.sync.etcd;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The leases of one {@link EtcdLockEngine}: one per TTL in whole seconds, granted when
 * first needed, each with a holder record (its key under the holders prefix, the engine's
 * holder id as value, attached to the lease) and kept alive by one jetcd keep-alive
 * stream. A lease is lost when etcd says it does not exist or gives it no TTL, when the
 * stream fails or ends, or when no keep-alive answer came for a TTL less
 * {@value #MARGIN_MILLIS} ms (measured here with {@link System#nanoTime()}, checked every
 * {@value #CHECK_MILLIS} ms); a lost lease is forgotten (later acquisitions get a new
 * one), revoked in case it is still alive, and reported once, on the engine's executor.
 * Thread-safe.
 */
final class EtcdLeases {

	private static final Log logger = LogFactory.getLog(EtcdLeases.class);

	/**
	 * How often the deadlines are checked.
	 */
	static final long CHECK_MILLIS = 100;

	/**
	 * How much earlier than a whole TTL after a keep-alive answer arrived the lease is
	 * taken as lost: etcd counts the TTL from when it renewed the lease, which was before
	 * its answer arrived here. With the check's period, a loss is reported before etcd
	 * expires the lease unless the answer took more than 150 ms to arrive.
	 */
	static final long MARGIN_MILLIS = 250;

	private final Client client;

	private final EtcdLockKeys keys;

	private final String holderId;

	private final Duration requestTimeout;

	private final ScheduledExecutorService executor;

	private final BiConsumer<KeptLease, String> onLost;

	private final Map<Long, KeptLease> byTtl = new ConcurrentHashMap<>();

	private volatile boolean closed;

	EtcdLeases(Client client, EtcdLockKeys keys, String holderId, Duration requestTimeout,
			ScheduledExecutorService executor, BiConsumer<KeptLease, String> onLost) {
		this.client = client;
		this.keys = keys;
		this.holderId = holderId;
		this.requestTimeout = requestTimeout;
		this.executor = executor;
		this.onLost = onLost;
		executor.scheduleWithFixedDelay(this::checkDeadlines, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
	}

	/**
	 * The lease for a TTL, granted with its holder record and keep-alive if there is
	 * none.
	 * @param ttlSeconds the TTL in seconds
	 * @return the lease
	 * @throws Exception what etcd answered, or a timeout
	 */
	synchronized KeptLease lease(long ttlSeconds) throws Exception {
		if (this.closed) {
			throw new IllegalStateException("The etcd lock engine is closed");
		}
		long start = System.nanoTime();
		KeptLease kept = this.byTtl.get(ttlSeconds);
		if (kept != null && kept.lost == null) {
			if (!kept.overdue(start)) {
				return kept;
			}
			// the deadline check has not run yet: the lease is lost all the same
			lose(kept, "lease-expired");
		}
		long id = call(this.client.getLeaseClient().grant(ttlSeconds), this.requestTimeout).getID();
		KeptLease lease = new KeptLease(id, ttlSeconds, deadline(start, ttlSeconds));
		try {
			call(this.client.getKVClient()
				.put(this.keys.holderRecord(lease.hex), bytes(this.holderId),
						PutOption.builder().withLeaseId(id).build()),
					this.requestTimeout);
			CloseableClient stream = this.client.getLeaseClient().keepAlive(id, new Observer(lease));
			synchronized (lease) {
				lease.stream = stream;
				if (lease.lost != null) {
					// lost before the stream was kept: nothing else would close it
					stream.close();
				}
			}
		}
		catch (Exception ex) {
			this.client.getLeaseClient().revoke(id);
			throw ex;
		}
		this.byTtl.put(ttlSeconds, lease);
		return lease;
	}

	/**
	 * Return the leases kept now.
	 * @return them
	 */
	List<KeptLease> kept() {
		return List.copyOf(this.byTtl.values());
	}

	/**
	 * Declare a lease lost, once, on the executor.
	 * @param lease the lease
	 * @param reason why
	 */
	void lose(KeptLease lease, String reason) {
		try {
			this.executor.execute(() -> {
				if (forget(lease, reason)) {
					logger.debug("etcd lease " + lease.hex + " lost: " + reason);
					this.onLost.accept(lease, reason);
					this.client.getLeaseClient().revoke(lease.id);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// closed: close() revoked the lease
		}
	}

	private boolean forget(KeptLease lease, String reason) {
		// the lease's own monitor, not the leases': lease() holds that while it waits
		// for etcd, and the executor running this must not wait behind it
		synchronized (lease) {
			return forgetLocked(lease, reason);
		}
	}

	private boolean forgetLocked(KeptLease lease, String reason) {
		if (lease.lost != null) {
			return false;
		}
		lease.lost = reason;
		this.byTtl.remove(lease.ttlSeconds, lease);
		CloseableClient stream = lease.stream;
		if (stream != null) {
			stream.close();
		}
		return true;
	}

	/**
	 * Return when a lease renewed at a time is taken as lost: a TTL later, less the
	 * margin (at most a quarter of the TTL).
	 * @param renewedNanos when it was renewed, or asked for, by {@link System#nanoTime()}
	 * @param ttlSeconds its TTL
	 * @return the deadline, by {@link System#nanoTime()}
	 */
	static long deadline(long renewedNanos, long ttlSeconds) {
		long ttlMillis = TimeUnit.SECONDS.toMillis(ttlSeconds);
		return renewedNanos + TimeUnit.MILLISECONDS.toNanos(ttlMillis - Math.min(MARGIN_MILLIS, ttlMillis / 4));
	}

	private void checkDeadlines() {
		long now = System.nanoTime();
		for (KeptLease lease : this.byTtl.values()) {
			if (lease.overdue(now)) {
				lose(lease, "lease-expired");
			}
		}
	}

	/**
	 * Revoke every lease (which frees every lock at once) and close the streams; waits up
	 * to the request timeout for etcd. The leases are forgotten before the engine tells
	 * its holders.
	 * @return the leases that were kept, already marked lost
	 */
	synchronized List<KeptLease> revokeAll() {
		this.closed = true;
		List<KeptLease> leases = kept();
		for (KeptLease lease : leases) {
			forget(lease, "closed");
		}
		for (KeptLease lease : leases) {
			try {
				call(this.client.getLeaseClient().revoke(lease.id), this.requestTimeout);
			}
			catch (Exception ex) {
				logger.info("Could not revoke etcd lease " + lease.hex + " (" + ex
						+ "); its locks are freed when it expires, within " + lease.ttlSeconds + " s");
				if (ex instanceof InterruptedException) {
					Thread.currentThread().interrupt();
				}
			}
		}
		return leases;
	}

	static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	static <T> T call(CompletableFuture<T> request, Duration timeout) throws Exception {
		try {
			return request.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

	/**
	 * One lease and what is known of it.
	 */
	static final class KeptLease {

		final long id;

		final String hex;

		final long ttlSeconds;

		/** When it ends unless etcd renews it, by {@link System#nanoTime()}. */
		volatile long deadline;

		/** Why it was lost, or {@code null} while it is kept. */
		volatile @Nullable String lost;

		volatile @Nullable CloseableClient stream;

		KeptLease(long id, long ttlSeconds, long deadline) {
			this.id = id;
			this.hex = Long.toHexString(id);
			this.ttlSeconds = ttlSeconds;
			this.deadline = deadline;
		}

		boolean overdue(long now) {
			return now - this.deadline > 0;
		}

	}

	/**
	 * What jetcd tells of a lease's keep-alive; runs on jetcd's event loop, so it only
	 * records and hands over to the executor.
	 */
	private final class Observer implements StreamObserver<LeaseKeepAliveResponse> {

		private final KeptLease lease;

		Observer(KeptLease lease) {
			this.lease = lease;
		}

		@Override
		public void onNext(LeaseKeepAliveResponse response) {
			if (response.getTTL() <= 0) {
				lose(this.lease, "lease-expired");
			}
			else {
				this.lease.deadline = deadline(System.nanoTime(), response.getTTL());
			}
		}

		@Override
		public void onError(Throwable error) {
			boolean gone = error instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND;
			lose(this.lease, gone ? "lease-expired" : "keep-alive-failed");
		}

		@Override
		public void onCompleted() {
			// jetcd ends the stream when no answer came within the TTL
			lose(this.lease, "lease-expired");
		}

	}

}
