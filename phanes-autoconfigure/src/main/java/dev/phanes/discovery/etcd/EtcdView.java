package dev.phanes.discovery.etcd;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.phanes.discovery.DiscoveredInstance;
import dev.phanes.discovery.DiscoveryChange;
import dev.phanes.discovery.DiscoveryListener;
import dev.phanes.discovery.DiscoveryViewPublisher;

/**
 * The live view of an etcd registry: the prefix read once, then one prefix watch resumed
 * from the revision it last saw, each change applied in memory and told to the listeners.
 * Clients read it without a network call. While etcd is unreachable the view keeps the
 * instances it last knew (jetcd resumes the watch when etcd is back); when the watch's
 * revision has been compacted away, or the watch fails for good, the prefix is read again
 * in full. A document that is not a usable go-micro service document is left out, with a
 * warning at most every ten seconds. Every change of state happens on one thread; reads
 * are thread-safe and see whole snapshots.
 */
public final class EtcdView implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(EtcdView.class);

	private static final long WARNING_SPACING_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final Client client;

	private final GoMicroDocuments documents;

	private final Duration requestTimeout;

	private final Duration retryInterval;

	private final DiscoveryViewPublisher publisher = new DiscoveryViewPublisher("etcd");

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "phanes-etcd-discovery");
		thread.setDaemon(true);
		return thread;
	});

	// confined to the executor's thread
	private final Map<String, List<DiscoveredInstance>> byKey = new HashMap<>();

	// written on the executor's thread
	private volatile Watch.@Nullable Watcher watcher;

	// confined to the executor's thread: the number of the current watcher, whose
	// callbacks alone count; a watcher closed or replaced may still deliver
	private long generation;

	// confined to the executor's thread: whether a read of the whole prefix is under way
	// or
	// scheduled, so that a run of watch errors starts one read loop, not one each
	private boolean readPending;

	// confined to the executor's thread: whether the view was read once
	private boolean readOnce;

	// confined to the executor's thread: the revision of each document left out, so that
	// a document read again is not counted and warned about again
	private final Map<String, Long> rejectedAt = new HashMap<>();

	// confined to the executor's thread
	private long lastWarning = System.nanoTime() - WARNING_SPACING_NANOS;

	private volatile long revision;

	private volatile @Nullable String lastError;

	private volatile @Nullable Contact contact;

	private final AtomicReference<@Nullable CompletableFuture<?>> probe = new AtomicReference<>();

	private final AtomicLong resyncs = new AtomicLong();

	private final AtomicLong rejected = new AtomicLong();

	private volatile boolean closed;

	EtcdView(Client client, GoMicroDocuments documents, Duration requestTimeout, Duration retryInterval) {
		this.client = client;
		this.documents = documents;
		this.requestTimeout = requestTimeout;
		this.retryInterval = retryInterval;
	}

	/**
	 * Read the registry and start watching it. Waits for the first reading up to the
	 * request timeout; if etcd does not answer, the view starts empty and keeps trying in
	 * the background.
	 */
	public void start() {
		boolean read;
		try {
			read = this.executor.submit(() -> {
				this.readPending = true;
				return read();
			}).get(this.requestTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		catch (ExecutionException | TimeoutException ex) {
			read = false;
		}
		if (!read) {
			logger.warn("The etcd registry was not read at start-up (" + this.lastError
					+ "); the view starts empty and keeps trying every " + this.retryInterval.toMillis() + " ms");
		}
	}

	/**
	 * Add a listener told of each change, on the view's thread.
	 * @param listener the listener
	 */
	public void addListener(DiscoveryListener listener) {
		this.publisher.addListener(listener);
	}

	/**
	 * The names of the services in the view.
	 * @return the names, sorted
	 */
	public List<String> services() {
		return this.publisher.current()
			.values()
			.stream()
			.map((instances) -> instances.get(0).serviceId())
			.sorted()
			.toList();
	}

	/**
	 * The instances of a service; service ids are matched regardless of case.
	 * @param serviceId the service id
	 * @return its instances, sorted by instance id, or an empty list
	 */
	public List<DiscoveredInstance> instances(String serviceId) {
		return this.publisher.current().getOrDefault(serviceId.toLowerCase(Locale.ROOT), List.of());
	}

	/**
	 * How many instances the view holds.
	 * @return the count
	 */
	public int instanceCount() {
		return this.publisher.current().values().stream().mapToInt(List::size).sum();
	}

	/**
	 * The number of the current snapshot; it grows with each change.
	 * @return the version
	 */
	public long version() {
		return this.publisher.version();
	}

	/**
	 * The etcd revision the view has seen last.
	 * @return the revision, 0 before the first reading
	 */
	public long revision() {
		return this.revision;
	}

	/**
	 * What went wrong last when the view read or watched etcd.
	 * @return the error, or {@code null} if nothing went wrong since the last reading
	 */
	public @Nullable String lastError() {
		return this.lastError;
	}

	/**
	 * Ask etcd in the background whether it answers, unless such a question is already
	 * out; the answer, or its absence after the request timeout, becomes the
	 * {@link #contact() last contact}. Never blocks.
	 */
	public void probe() {
		CompletableFuture<?> running = this.probe.get();
		if (running != null && !running.isDone()) {
			return;
		}
		CompletableFuture<Object> mine = new CompletableFuture<>();
		if (!this.probe.compareAndSet(running, mine)) {
			return;
		}
		this.client.getKVClient()
			.get(bytes(this.documents.prefix()), GetOption.builder().isPrefix(true).withCountOnly(true).build())
			.orTimeout(this.requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((response, failure) -> {
				this.contact = (failure == null) ? new Contact(true, response.getCount(), null, Instant.now())
						: new Contact(false, 0, (failure instanceof TimeoutException)
								? "no answer within " + this.requestTimeout.toMillis() + " ms" : failure.toString(),
								Instant.now());
				mine.complete(null);
			});
	}

	/**
	 * What the last probe learnt of etcd.
	 * @return the contact, or {@code null} before the first probe answered
	 */
	public @Nullable Contact contact() {
		return this.contact;
	}

	/**
	 * How many times the registry was read in full after the first reading (a compacted
	 * revision, a failed watch).
	 * @return the count
	 */
	public long resyncs() {
		return this.resyncs.get();
	}

	/**
	 * How many documents were left out as unusable.
	 * @return the count
	 */
	public long rejected() {
		return this.rejected.get();
	}

	/**
	 * Read the whole prefix, replacing the view, and watch it from the revision read; on
	 * failure, try again after the retry interval. Runs while {@code readPending}.
	 */
	private boolean read() {
		if (this.closed) {
			return false;
		}
		GetResponse response;
		try {
			response = this.client.getKVClient()
				.get(bytes(this.documents.prefix()), GetOption.builder().isPrefix(true).build())
				.get(this.requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException | TimeoutException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			this.lastError = "read of " + this.documents.prefix() + " failed: " + cause;
			this.contact = new Contact(false, 0, cause.toString(), Instant.now());
			logger.debug("etcd registry still unavailable: " + cause);
			schedule(this::read, this.retryInterval);
			return false;
		}
		this.byKey.clear();
		Set<String> present = new HashSet<>();
		for (KeyValue keyValue : response.getKvs()) {
			String key = string(keyValue.getKey());
			present.add(key);
			put(key, keyValue.getValue().getBytes(), keyValue.getModRevision());
		}
		this.rejectedAt.keySet().retainAll(present);
		if (this.readOnce) {
			this.resyncs.incrementAndGet();
		}
		this.readOnce = true;
		this.readPending = false;
		this.revision = response.getHeader().getRevision();
		this.lastError = null;
		this.contact = new Contact(true, response.getCount(), null, Instant.now());
		publish();
		watch(this.revision + 1);
		return true;
	}

	private void watch(long fromRevision) {
		if (this.watcher != null) {
			this.watcher.close();
		}
		long watching = ++this.generation;
		WatchOption option = WatchOption.builder().isPrefix(true).withRevision(fromRevision).build();
		this.watcher = this.client.getWatchClient()
			.watch(bytes(this.documents.prefix()), option,
					Watch.listener((response) -> execute(() -> changed(watching, response)),
							(error) -> execute(() -> failed(watching, error))));
	}

	private void changed(long watching, WatchResponse response) {
		if (this.closed || watching != this.generation) {
			return;
		}
		for (WatchEvent event : response.getEvents()) {
			long modified = event.getKeyValue().getModRevision();
			if (modified <= this.revision) {
				// already in the view: read with the prefix, or seen before a resume
				continue;
			}
			String key = string(event.getKeyValue().getKey());
			if (event.getEventType() == WatchEvent.EventType.PUT) {
				put(key, event.getKeyValue().getValue().getBytes(), modified);
			}
			else if (event.getEventType() == WatchEvent.EventType.DELETE) {
				this.byKey.remove(key);
				this.rejectedAt.remove(key);
			}
			this.revision = modified;
		}
		this.revision = Math.max(this.revision, response.getHeader().getRevision());
		this.lastError = null;
		publish();
	}

	private void failed(long watching, Throwable error) {
		if (this.closed || watching != this.generation) {
			return;
		}
		if (!(error instanceof CompactedException)) {
			this.lastError = "watch failed: " + error;
		}
		if (this.readPending) {
			return;
		}
		this.readPending = true;
		if (error instanceof CompactedException compacted) {
			logger.warn("Watch of the etcd registry fell behind compaction (revision "
					+ compacted.getCompactedRevision() + "); reading it again");
		}
		else {
			this.lastError = "watch failed: " + error;
			logger.warn("Watch of the etcd registry failed (" + error + "); reading it again");
		}
		read();
	}

	private void put(String key, byte[] value, long modified) {
		try {
			this.byKey.put(key, this.documents.decode(key, value));
			this.rejectedAt.remove(key);
		}
		catch (InvalidRegistryDocumentException ex) {
			this.byKey.remove(key);
			Long counted = this.rejectedAt.put(key, modified);
			if (counted != null && counted == modified) {
				return;
			}
			this.rejected.incrementAndGet();
			long now = System.nanoTime();
			if (now - this.lastWarning >= WARNING_SPACING_NANOS) {
				this.lastWarning = now;
				logger.warn("Ignoring the etcd registry entry " + printable(key) + ": " + ex.getMessage()
						+ " (further such warnings within 10 s are logged at DEBUG)");
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Ignoring the etcd registry entry " + printable(key) + ": " + ex.getMessage());
			}
		}
	}

	private void publish() {
		Map<String, List<DiscoveredInstance>> byService = new TreeMap<>();
		for (List<DiscoveredInstance> instances : this.byKey.values()) {
			for (DiscoveredInstance instance : instances) {
				byService.computeIfAbsent(instance.serviceId().toLowerCase(Locale.ROOT), (id) -> new ArrayList<>())
					.add(instance);
			}
		}
		Map<String, List<DiscoveredInstance>> snapshot = new HashMap<>();
		byService.forEach((serviceId, instances) -> {
			instances.sort(Comparator.comparing(DiscoveredInstance::instanceId));
			snapshot.put(serviceId, List.copyOf(instances));
		});
		DiscoveryChange change = this.publisher.publish(Map.copyOf(snapshot));
		if (change != null && logger.isDebugEnabled()) {
			logger.debug("etcd registry at revision " + this.revision + ": " + change);
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

	private void schedule(Runnable task, Duration delay) {
		try {
			this.executor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// closed
		}
	}

	@Override
	public void close() {
		this.closed = true;
		this.executor.shutdownNow();
		Watch.Watcher current = this.watcher;
		if (current != null) {
			current.close();
		}
	}

	/**
	 * What a probe learnt of etcd.
	 *
	 * @param reached whether etcd answered
	 * @param keys how many keys the registry holds, if it answered
	 * @param error why it did not answer, or {@code null}
	 * @param at when the probe ended
	 */
	public record Contact(boolean reached, long keys, @Nullable String error, Instant at) {

	}

	static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	private static String string(ByteSequence bytes) {
		return bytes.toString(StandardCharsets.UTF_8);
	}

	private static String printable(String key) {
		String shown = (key.length() > 200) ? key.substring(0, 200) + "…" : key;
		StringBuilder builder = new StringBuilder(shown.length());
		shown.codePoints()
			.forEach((c) -> builder.append(
					Character.isISOControl(c) ? "\\u" + String.format("%04x", c) : new String(Character.toChars(c))));
		return builder.toString();
	}

}
