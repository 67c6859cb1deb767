package dev.phanes.store;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Removes expired records from a {@link PurgeableStore} at a fixed interval, on one
 * daemon thread, while the application runs. A store that is not purgeable is left alone:
 * the purger never starts.
 */
public class StoreExpiryPurger implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(StoreExpiryPurger.class);

	private final Store store;

	private final Duration interval;

	private @Nullable ScheduledExecutorService executor;

	/**
	 * Create a purger.
	 * @param store the store; only a {@link PurgeableStore} is purged, any other store is
	 * left alone
	 * @param interval the time between two purges
	 */
	public StoreExpiryPurger(Store store, Duration interval) {
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("phanes.store.purge-interval must be positive, got " + interval);
		}
		this.store = store;
		this.interval = interval;
	}

	@Override
	public synchronized void start() {
		if (this.executor != null || !(this.store instanceof PurgeableStore)) {
			return;
		}
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "phanes-store-purge");
			thread.setDaemon(true);
			return thread;
		});
		long millis = this.interval.toMillis();
		this.executor.scheduleWithFixedDelay(this::purge, millis, millis, TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

	void purge() {
		if (!(this.store instanceof PurgeableStore purgeable)) {
			return;
		}
		try {
			int removed = purgeable.purgeExpired();
			if (removed > 0 && logger.isDebugEnabled()) {
				logger.debug("Removed " + removed + " expired records from the " + DescribedStore.backendOf(purgeable)
						+ " store");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not remove expired records from the " + DescribedStore.backendOf(purgeable)
					+ " store; will retry in " + this.interval, ex);
		}
	}

}
