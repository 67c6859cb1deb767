package dev.phanes.discovery;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The view's thread ({@code phanes-mdns-view}): runs a sweep every interval and at once
 * when woken, and again within 10 ms while the last sweep left something pending. A
 * daemon thread; {@link #close()} stops it within a second. {@link #wake()} is
 * thread-safe and never blocks.
 */
final class MdnsSweeper implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(MdnsView.class);

	private static final long PENDING_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final Semaphore wakeups = new Semaphore(0);

	private final Thread thread;

	private final long intervalNanos;

	private final BooleanSupplier sweep;

	private volatile boolean closed;

	/**
	 * Create a sweeper; it runs nothing until {@link #start()}.
	 * @param interval the time between two sweeps
	 * @param sweep one sweep, returning whether something is pending
	 */
	MdnsSweeper(Duration interval, BooleanSupplier sweep) {
		this.intervalNanos = interval.toNanos();
		this.sweep = sweep;
		this.thread = new Thread(this::run, "phanes-mdns-view");
		this.thread.setDaemon(true);
	}

	/**
	 * Start sweeping.
	 */
	void start() {
		this.thread.start();
	}

	/**
	 * Sweep now rather than at the next interval.
	 */
	void wake() {
		this.wakeups.release();
	}

	@Override
	public void close() {
		this.closed = true;
		wake();
		try {
			this.thread.join(1000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void run() {
		while (!this.closed) {
			boolean pending;
			try {
				pending = this.sweep.getAsBoolean();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not update the mDNS view", ex);
				pending = false;
			}
			try {
				long wait = pending ? Math.min(this.intervalNanos, PENDING_INTERVAL_NANOS) : this.intervalNanos;
				this.wakeups.tryAcquire(wait, TimeUnit.NANOSECONDS);
				this.wakeups.drainPermits();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
