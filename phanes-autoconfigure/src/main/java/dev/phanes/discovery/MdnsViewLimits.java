package dev.phanes.discovery;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Counts what the view left out because it was full, and warns about it at most once a
 * minute. Thread-safe.
 */
final class MdnsViewLimits {

	private static final Log logger = LogFactory.getLog(MdnsView.class);

	private static final long LOG_INTERVAL_MILLIS = TimeUnit.MINUTES.toMillis(1);

	private final AtomicLong ignored = new AtomicLong();

	private long lastLog = Long.MIN_VALUE;

	/**
	 * Count services or instances left out.
	 * @param count how many times the limit was reached; nothing happens for zero
	 * @param what {@code services} or {@code instances}, as in the property's name
	 * @param limit the limit reached
	 */
	void ignored(int count, String what, int limit) {
		if (count <= 0) {
			return;
		}
		long total = this.ignored.addAndGet(count);
		if (shouldLog(System.currentTimeMillis())) {
			logger.warn("mDNS view is full (" + limit + " " + what + "); ignoring more (" + total
					+ " so far). Raise phanes.discovery.mdns.max-" + what + " if the network really has that many");
		}
	}

	/**
	 * Return how many services or instances were left out.
	 * @return the count
	 */
	long ignoredCount() {
		return this.ignored.get();
	}

	private synchronized boolean shouldLog(long now) {
		if (this.lastLog != Long.MIN_VALUE && now - this.lastLog < LOG_INTERVAL_MILLIS) {
			return false;
		}
		this.lastLog = now;
		return true;
	}

}
