package dev.phanes.discovery.etcd;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps this application's registrations in etcd: each is a key under the process's one
 * lease, granted ahead of the first registration (so that registering is one write) and
 * kept alive by jetcd's keep-alive stream (no put per interval). A lost lease — etcd
 * answered that it no longer exists, or no keep-alive answer came within its TTL — is
 * replaced at once: a new lease, every registration written again under it; each
 * registration written again is counted. While etcd does not answer, registering is
 * retried every retry interval in the background, so a registration made during an outage
 * lands when etcd is back. Deregistering deletes the key; closing revokes the lease.
 * Thread-safe; etcd is written from one thread.
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

	// the lease and its keep-alive; written on the executor's thread
	private volatile long leaseId;

	private volatile @Nullable CloseableClient keepAlive;

	private volatile @Nullable Instant lastKeptAlive;

	private volatile @Nullable String keepAliveError;

	EtcdRegistrar(Client client, GoMicroDocuments documents, Duration ttl, Duration requestTimeout,
			Duration retryInterval) {
		this.client = client;
		this.documents = documents;
		this.ttlSeconds = Math.max(1, ttl.toSeconds());
		this.requestTimeout = requestTimeout;
		this.retryInterval = retryInterval;
		execute(() -> {
			try {
				lease();
			}
			catch (Exception ex) {
				// granted again when the first registration is written
				logger.debug("etcd lease not granted ahead of registration: " + ex);
			}
		});
	}

	/**
	 * Register, or write a registration again (its metadata may have changed). Waits for
	 * etcd up to the request timeout; if etcd does not answer, keeps trying in the
	 * background.
	 * @param registration the registration
	 */
	public void register(EtcdRegistration registration) {
		Kept registered = this.kept.computeIfAbsent(registration, Kept::new);
		// the same ids, maybe another port or metadata: the document written is the new
		// one
		registered.registration = registration;
		registered.wanted = true;
		if (!await(submit(registered::write))) {
			logger.warn("Could not register " + registration + " in etcd yet (" + registered.lastError
					+ "); retrying every " + this.retryInterval.toMillis() + " ms");
		}
	}

	/**
	 * Deregister: delete the key. Waits for etcd up to the request timeout; a key etcd
	 * did not delete goes when the lease expires.
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
	 * How many registrations were written again after their lease was lost.
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
		await(submit(() -> {
			dropLease();
			return true;
		}));
		this.executor.shutdownNow();
	}

	/**
	 * The current lease, granted (with its keep-alive) if there is none. Called on the
	 * executor's thread.
	 */
	private long lease() throws Exception {
		if (this.leaseId == 0) {
			long lease = call(this.client.getLeaseClient().grant(this.ttlSeconds)).getID();
			this.leaseId = lease;
			this.keepAlive = this.client.getLeaseClient().keepAlive(lease, new Observer(lease));
		}
		return this.leaseId;
	}

	/**
	 * Forget the current lease, revoking it (a lease whose stream ended may still be
	 * alive in etcd, holding keys). Called on the executor's thread.
	 */
	private void dropLease() {
		long lease = forgetLease();
		if (lease != 0) {
			this.client.getLeaseClient().revoke(lease);
		}
	}

	/**
	 * Stop keeping the current lease alive and forget it, without revoking it. Called on
	 * the executor's thread.
	 * @return the lease forgotten, or 0
	 */
	private long forgetLease() {
		CloseableClient stream = this.keepAlive;
		if (stream != null) {
			stream.close();
		}
		long lease = this.leaseId;
		this.leaseId = 0;
		this.keepAlive = null;
		return lease;
	}

	/**
	 * Replace a lost lease: a new lease, every registration written again. Called on the
	 * executor's thread.
	 */
	private void lost(long lease, String reason) {
		if (this.leaseId != lease) {
			return;
		}
		// Forgotten, not revoked yet: a lease only presumed lost (no keep-alive answer in
		// time) may still hold the keys, which stay visible until they are written under
		// the new lease.
		forgetLease();
		List<Kept> wanted = this.kept.values().stream().filter((registered) -> registered.wanted).toList();
		if (!wanted.isEmpty()) {
			logger.warn("The etcd lease of "
					+ wanted.stream().map((registered) -> registered.registration.toString()).toList() + " was lost ("
					+ reason + "); registering again");
		}
		for (Kept registered : wanted) {
			this.reregistrations.incrementAndGet();
			registered.registered = false;
			registered.write();
		}
		this.client.getLeaseClient().revoke(lease);
	}

	/**
	 * Write a registration again if it is this application's and still wanted: its key
	 * left the registry while its lease lives (deleted by hand, or by a delete that
	 * arrived late).
	 * @param serviceId the service id of the instance that left
	 * @param instanceId its instance id
	 */
	void restore(String serviceId, String instanceId) {
		execute(() -> {
			for (Kept registered : this.kept.values()) {
				EtcdRegistration registration = registered.registration;
				if (registered.wanted && registered.registered && registration.getServiceId().equals(serviceId)
						&& registration.getInstanceId().equals(instanceId)) {
					logger.warn("The etcd key of " + registration
							+ " was deleted while it is registered; writing it again");
					long counted = this.reregistrations.get();
					registered.write();
					// unless the write found the lease gone and lost() counted it already
					if (this.reregistrations.get() == counted) {
						this.reregistrations.incrementAndGet();
					}
				}
			}
		});
	}

	private Future<Boolean> submit(Callable<Boolean> task) {
		try {
			return this.executor.submit(task);
		}
		catch (RejectedExecutionException ex) {
			return CompletableFuture.completedFuture(false);
		}
	}

	private void execute(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// closed
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

	private <T> T call(CompletableFuture<T> request) throws Exception {
		try {
			return request.get(this.requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

	private static boolean isLeaseGone(Throwable ex) {
		// the keep-alive stream fails with jetcd's EtcdException, a put with gRPC's own
		// StatusRuntimeException (jetcd's retrying requests do not convert it); a put
		// is NOT_FOUND only for its lease
		return (ex instanceof EtcdException etcd) ? etcd.getErrorCode() == ErrorCode.NOT_FOUND
				: Status.fromThrowable(ex).getCode() == Status.Code.NOT_FOUND;
	}

	/**
	 * What is known of one registration.
	 *
	 * @param registration the registration
	 * @param registered whether its key is in etcd as far as this application knows
	 * @param leaseId the lease of its key, or 0
	 * @param lastKeptAlive when etcd last renewed the lease, or {@code null}
	 * @param lastError what went wrong last, or {@code null}
	 */
	public record State(EtcdRegistration registration, boolean registered, long leaseId,
			@Nullable Instant lastKeptAlive, @Nullable String lastError) {

	}

	/**
	 * One registration kept in etcd; its fields change on the registrar's thread.
	 */
	private final class Kept {

		private volatile EtcdRegistration registration;

		private volatile boolean wanted;

		private volatile boolean registered;

		private volatile @Nullable String lastError;

		Kept(EtcdRegistration registration) {
			this.registration = registration;
		}

		State state() {
			String error = (this.lastError != null) ? this.lastError : EtcdRegistrar.this.keepAliveError;
			return new State(this.registration, this.registered, this.registered ? EtcdRegistrar.this.leaseId : 0,
					EtcdRegistrar.this.lastKeptAlive, error);
		}

		/**
		 * Write the key under the current lease, or under a new one if there is none.
		 * @return whether etcd took it; if not, another attempt is scheduled
		 */
		boolean write() {
			if (!this.wanted) {
				return false;
			}
			long lease = 0;
			try {
				lease = lease();
				call(EtcdRegistrar.this.client.getKVClient()
					.put(EtcdView.bytes(EtcdRegistrar.this.documents.key(this.registration)),
							ByteSequence.from(EtcdRegistrar.this.documents.encode(this.registration)),
							PutOption.builder().withLeaseId(lease).build()));
				this.registered = true;
				this.lastError = null;
				return true;
			}
			catch (Exception ex) {
				this.lastError = "registration failed: " + ex;
				if (isLeaseGone(ex) && lease != 0) {
					// every key under that lease is gone: all are written again now
					lost(lease, "etcd said the lease does not exist");
					return this.registered;
				}
				try {
					EtcdRegistrar.this.executor.schedule(this::write, EtcdRegistrar.this.retryInterval.toMillis(),
							TimeUnit.MILLISECONDS);
				}
				catch (RejectedExecutionException closed) {
					// closed
				}
				return false;
			}
		}

		/**
		 * Delete the key.
		 * @return whether etcd deleted it
		 */
		boolean delete() {
			this.registered = false;
			try {
				call(EtcdRegistrar.this.client.getKVClient()
					.delete(EtcdView.bytes(EtcdRegistrar.this.documents.key(this.registration))));
				return true;
			}
			catch (Exception ex) {
				this.lastError = "deregistration failed: " + ex;
				return false;
			}
		}

	}

	/**
	 * What jetcd tells of the lease's keep-alive.
	 */
	private final class Observer implements StreamObserver<LeaseKeepAliveResponse> {

		private final long lease;

		Observer(long lease) {
			this.lease = lease;
		}

		@Override
		public void onNext(LeaseKeepAliveResponse response) {
			EtcdRegistrar.this.lastKeptAlive = Instant.now();
			EtcdRegistrar.this.keepAliveError = null;
		}

		@Override
		public void onError(Throwable error) {
			if (isLeaseGone(error)) {
				execute(() -> lost(this.lease, "etcd said the lease does not exist"));
			}
			else {
				// jetcd restarts the stream on its own; the lease is lost only if no
				// answer
				// comes within its TTL (onCompleted)
				EtcdRegistrar.this.keepAliveError = "keep-alive stream failed: " + error;
			}
		}

		@Override
		public void onCompleted() {
			execute(() -> lost(this.lease, "no keep-alive answer within the TTL"));
		}

	}

}
