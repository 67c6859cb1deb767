package dev.phanes.config.etcd;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.phanes.config.ConfigChangedEvent;
import dev.phanes.config.ConfigReloadSource;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Watches every imported etcd prefix and publishes a {@link ConfigChangedEvent} when a
 * key under it changes. A watch resumes after the revision it last saw, so changes made
 * while the connection was down arrive when it is back (jetcd resumes on its own after
 * transient failures); when that revision has been compacted away, or a watch fails for
 * good, the prefix is read again in full, a reload is asked for, and the watch starts
 * over after the revision read. A prefix etcd could not serve at start-up is retried the
 * same way. Thread-safe.
 */
public class EtcdConfigWatcher implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(EtcdConfigWatcher.class);

	private final EtcdConfigClient client;

	private final ApplicationEventPublisher publisher;

	private final Map<String, Watch.Watcher> watchers = new ConcurrentHashMap<>();

	private final Map<String, Long> revisions = new ConcurrentHashMap<>();

	private volatile ScheduledExecutorService executor;

	private volatile boolean running;

	/**
	 * Create a watcher.
	 * @param client the client that loaded the prefixes
	 * @param publisher where changes are published
	 */
	public EtcdConfigWatcher(EtcdConfigClient client, ApplicationEventPublisher publisher) {
		this.client = client;
		this.publisher = publisher;
		this.executor = newExecutor();
	}

	private static ScheduledExecutorService newExecutor() {
		return Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "phanes-etcd-config-watch");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	public synchronized void start() {
		if (this.executor.isShutdown()) {
			this.executor = newExecutor();
		}
		this.running = true;
		for (String prefix : this.client.prefixes()) {
			EtcdConfigClient.Snapshot snapshot = this.client.lastGood(prefix);
			if (snapshot != null) {
				watch(prefix, snapshot.revision());
			}
			else {
				schedule(() -> resync(prefix), 0);
			}
		}
	}

	private void watch(String prefix, long revision) {
		this.revisions.put(prefix, revision);
		WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision + 1).build();
		Watch.Watcher watcher = this.client.jetcd()
			.getWatchClient()
			.watch(EtcdConfigClient.bytes(prefix), option,
					Watch.listener((response) -> changed(prefix, response), (error) -> failed(prefix, error)));
		Watch.Watcher previous = this.watchers.put(prefix, watcher);
		if (previous != null) {
			previous.close();
		}
	}

	private void changed(String prefix, WatchResponse response) {
		this.client.reached(response.getHeader().getRevision());
		if (!response.getEvents().isEmpty()) {
			this.revisions.put(prefix,
					response.getEvents().get(response.getEvents().size() - 1).getKeyValue().getModRevision());
			this.publisher.publishEvent(new ConfigChangedEvent(this, ConfigReloadSource.ETCD));
		}
	}

	private void failed(String prefix, Throwable error) {
		if (!this.running) {
			return;
		}
		if (error instanceof CompactedException compacted) {
			logger.warn("Watch of etcd prefix " + prefix + " fell behind compaction (revision "
					+ compacted.getCompactedRevision() + "); reading the prefix again");
			schedule(() -> resync(prefix), 0);
		}
		else {
			this.client.unreachable("watch of " + prefix + " failed: " + error);
			logger.warn("Watch of etcd prefix " + prefix + " failed (" + error + "); retrying in "
					+ this.client.retryInterval().toMillis() + " ms");
			schedule(() -> resync(prefix), this.client.retryInterval().toMillis());
		}
	}

	private void resync(String prefix) {
		if (!this.running) {
			return;
		}
		try {
			EtcdConfigClient.Snapshot snapshot = this.client.load(prefix);
			watch(prefix, snapshot.revision());
			this.publisher.publishEvent(new ConfigChangedEvent(this, ConfigReloadSource.ETCD));
		}
		catch (RuntimeException ex) {
			logger.debug("etcd prefix " + prefix + " still unavailable: " + ex.getMessage());
			schedule(() -> resync(prefix), this.client.retryInterval().toMillis());
		}
	}

	private void schedule(Runnable task, long delayMillis) {
		try {
			this.executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// stopping
		}
	}

	/**
	 * The revision each prefix's watch has seen last.
	 * @return revisions by prefix
	 */
	Map<String, Long> revisions() {
		return Map.copyOf(this.revisions);
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		this.executor.shutdownNow();
		List.copyOf(this.watchers.values()).forEach(Watch.Watcher::close);
		this.watchers.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
