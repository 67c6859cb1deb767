package dev.phanes.discovery.etcd;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

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
 * Keeps registrations in etcd: each one is a key under a lease of its own, kept alive by
 * jetcd's one keep-alive stream (no put per interval). A lease lost — etcd answered that
 * it no longer exists, or no keep-alive answer came within its TTL — is replaced at once:
 * a new lease, the key written again; each such re-registration is counted. While etcd
 * does not answer, registering is retried every retry interval, in the background, so a
 * registration made during an outage lands when etcd is back. Deregistering deletes the
 * key and revokes the lease. Thread-safe; etcd is written from one thread.
 */
public final class EtcdRegistrar implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(EtcdRegistrar.class);

	private final Client client;

	private final GoMicroDocuments documents;

	private final long ttlSeconds;

	private final Duration requestTimeout;

	private final Duration retryInterval;

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "phanes-etcd-registration");
		thread.setDaemon(true);
		return thread;
	});

	private final Map<EtcdRegistration, Kept> kept = new ConcurrentHashMap<>();

	private final AtomicLong reregistrations = new AtomicLong();

	EtcdRegistrar(Client client, GoMicroDocuments documents, Duration ttl, Duration requestTimeout,
			Duration retryInterval) {
		this.client = client;
		this.documents = documents;
		this.ttlSeconds = Math.max(1, ttl.toSeconds());
		this.requestTimeout = requestTimeout;
		this.retryInterval = retryInterval;
	}

	/**
	 * Register, or write a registration again (its metadata may have changed). Waits for
	 * etcd up to the request timeout; if etcd does not answer, keeps trying in the
	 * background.
	 * @param registration the registration
	 */
	public void register(EtcdRegistration registration) {
		Kept registered = this.kept.computeIfAbsent(registration, Kept::new);
		registered.wanted = true;
		if (!await(submit(registered::write))) {
			logger.warn("Could not register " + registration + " in etcd yet (" + registered.lastError
					+ "); retrying every " + this.retryInterval.toMillis() + " ms");
		}
	}

	/**
	 * Deregister: delete the key and revoke the lease. Waits for etcd up to the request
	 * timeout; a key etcd did not delete goes when its lease expires.
	 * @param registration the registration
	 */
	public void deregister(EtcdRegistration registration) {
		Kept registered = this.kept.remove(registration);
		if (registered == null) {
			return;
		}
		registered.wanted = false;
		if (!await(submit(registered::delete))) {
			logger.warn("Could not delete " + registration + " from etcd (" + registered.lastError
					+ "); it leaves the registry when its lease expires, within " + this.ttlSeconds + " s");
		}
	}

	/**
	 * The registrations kept, with their state.
	 * @return the states
	 */
	public List<State> states() {
		return this.kept.values().stream().map(Kept::state).toList();
	}

	/**
	 * How many times a lost lease was replaced.
	 * @return the count
	 */
	public long reregistrations() {
		return this.reregistrations.get();
	}

	@Override
	public void close() {
		for (EtcdRegistration registration : List.copyOf(this.kept.keySet())) {
			deregister(registration);
		}
		this.executor.shutdownNow();
	}

	private Future<Boolean> submit(java.util.concurrent.Callable<Boolean> task) {
		try {
			return this.executor.submit(task);
		}
		catch (RejectedExecutionException ex) {
			return java.util.concurrent.CompletableFuture.completedFuture(false);
		}
	}

	private boolean await(Future<Boolean> done) {
		try {
			return done.get(this.requestTimeout.toMillis() * 3, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException | TimeoutException ex) {
			return false;
		}
	}

	private <T> T call(java.util.concurrent.CompletableFuture<T> request) throws Exception {
		try {
			return request.get(this.requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

	/**
	 * What is known of one registration.
	 *
	 * @param registration the registration
	 * @param registered whether its key is in etcd as far as this application knows
	 * @param leaseId the lease of its key, or 0
	 * @param lastKeptAlive when etcd last renewed its lease, or {@code null}
	 * @param lastError what went wrong last, or {@code null}
	 */
	public record State(EtcdRegistration registration, boolean registered, long leaseId,
			@Nullable Instant lastKeptAlive, @Nullable String lastError) {

	}

	/**
	 * One registration kept alive; its fields change on the registrar's thread.
	 */
	private final class Kept {

		private final EtcdRegistration registration;

		private volatile boolean wanted;

		private volatile long leaseId;

		private volatile boolean registered;

		private volatile @Nullable CloseableClient keepAlive;

		private volatile @Nullable Instant lastKeptAlive;

		private volatile @Nullable String lastError;

		Kept(EtcdRegistration registration) {
			this.registration = registration;
		}

		State state() {
			return new State(this.registration, this.registered, this.leaseId, this.lastKeptAlive, this.lastError);
		}

		/**
		 * Write the key under the current lease, or under a new one if there is none.
		 * @return whether etcd took it; if not, another attempt is scheduled
		 */
		boolean write() {
			if (!this.wanted) {
				return false;
			}
			try {
				if (this.leaseId == 0) {
					long lease = call(EtcdRegistrar.this.client.getLeaseClient().grant(EtcdRegistrar.this.ttlSeconds))
						.getID();
					this.leaseId = lease;
					this.keepAlive = EtcdRegistrar.this.client.getLeaseClient().keepAlive(lease, new Observer(lease));
				}
				call(EtcdRegistrar.this.client.getKVClient()
					.put(EtcdView.bytes(EtcdRegistrar.this.documents.key(this.registration)),
							io.etcd.jetcd.ByteSequence.from(EtcdRegistrar.this.documents.encode(this.registration)),
							PutOption.builder().withLeaseId(this.leaseId).build()));
				this.registered = true;
				this.lastError = null;
				return true;
			}
			catch (Exception ex) {
				this.lastError = "registration failed: " + ex;
				if (isLeaseGone(ex)) {
					dropLease();
				}
				schedule(this::write);
				return false;
			}
		}

		/**
		 * Delete the key and revoke the lease.
		 * @return whether etcd deleted the key
		 */
		boolean delete() {
			CloseableClient stream = this.keepAlive;
			if (stream != null) {
				stream.close();
			}
			long lease = this.leaseId;
			this.leaseId = 0;
			this.registered = false;
			try {
				call(EtcdRegistrar.this.client.getKVClient()
					.delete(EtcdView.bytes(EtcdRegistrar.this.documents.key(this.registration))));
				if (lease != 0) {
					EtcdRegistrar.this.client.getLeaseClient().revoke(lease);
				}
				return true;
			}
			catch (Exception ex) {
				this.lastError = "deregistration failed: " + ex;
				return false;
			}
		}

		/**
		 * Replace a lost lease: a new lease, the key written again.
		 * @param lease the lease that was lost
		 * @param reason why it is considered lost
		 */
		void lost(long lease, String reason) {
			if (!this.wanted || this.leaseId != lease) {
				return;
			}
			EtcdRegistrar.this.reregistrations.incrementAndGet();
			logger.warn("The etcd lease of " + this.registration + " was lost (" + reason + "); registering again");
			this.registered = false;
			dropLease();
			write();
		}

		private void dropLease() {
			CloseableClient stream = this.keepAlive;
			if (stream != null) {
				stream.close();
			}
			long lease = this.leaseId;
			this.leaseId = 0;
			this.keepAlive = null;
			if (lease != 0) {
				// a lease still alive (its stream ended, not the lease) would hold no key
				EtcdRegistrar.this.client.getLeaseClient().revoke(lease);
			}
		}

		private void schedule(Runnable task) {
			try {
				EtcdRegistrar.this.executor.schedule(task, EtcdRegistrar.this.retryInterval.toMillis(),
						TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// closed
			}
		}

		private static boolean isLeaseGone(Exception ex) {
			return ex instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND;
		}

		/**
		 * What jetcd tells of one lease's keep-alive.
		 */
		private final class Observer implements StreamObserver<LeaseKeepAliveResponse> {

			private final long lease;

			Observer(long lease) {
				this.lease = lease;
			}

			@Override
			public void onNext(LeaseKeepAliveResponse response) {
				Kept.this.lastKeptAlive = Instant.now();
			}

			@Override
			public void onError(Throwable error) {
				if (error instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND) {
					execute(() -> lost(this.lease, "etcd said the lease does not exist"));
				}
				else {
					// jetcd restarts the stream on its own; the lease is lost only if no
					// answer comes within its TTL (onCompleted)
					Kept.this.lastError = "keep-alive stream failed: " + error;
				}
			}

			@Override
			public void onCompleted() {
				execute(() -> lost(this.lease, "no keep-alive answer within the TTL"));
			}

			private void execute(Runnable task) {
				try {
					EtcdRegistrar.this.executor.execute(task);
				}
				catch (RejectedExecutionException ex) {
					// closed
				}
			}

		}

	}

}
