package dev.phanes.discovery;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * A Logback turbo filter that rate-limits what JmDNS logs. JmDNS logs a warning, often
 * with a stack trace, for each malformed packet it receives, so anyone on the multicast
 * group could flood the application's log. The filter lets at most a fixed number of
 * events from loggers under {@code javax.jmdns} through in each window (by default 10 a
 * minute), counts the others, and logs one summary line for them from its own logger when
 * the window is over.
 * <p>
 * Only events at {@code INFO} and above that the logger would write are limited: debug
 * and trace output is off unless someone turned it on to diagnose JmDNS, and then they
 * want all of it.
 * <p>
 * {@link #install()} adds the filter to Logback once per JVM however many engines call
 * it, and {@link #uninstall()} removes it when the last one calls it. Both do nothing
 * unless SLF4J is bound to Logback.
 */
public final class JmdnsLogThrottle extends TurboFilter {

	/**
	 * Prefix of the names of the loggers that are limited.
	 */
	public static final String LOGGER_PREFIX = "javax.jmdns";

	/**
	 * How many JmDNS events get through in each window once installed.
	 */
	public static final int DEFAULT_MAX_EVENTS = 10;

	/**
	 * The length of a window once installed.
	 */
	public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

	private static final Object lock = new Object();

	private static int installs;

	private static @Nullable JmdnsLogThrottle installed;

	private static @Nullable LoggerContext installedContext;

	private static @Nullable ScheduledExecutorService flusher;

	private final int maxEvents;

	private final long windowMillis;

	private final LongSupplier clock;

	private long windowStart;

	private int passedInWindow;

	private int suppressedInWindow;

	private @Nullable Level highestSuppressed;

	private long passed;

	private long suppressed;

	/**
	 * Create a filter.
	 * @param maxEvents how many events get through in each window
	 * @param window the length of a window
	 * @param clock the time in milliseconds
	 */
	JmdnsLogThrottle(int maxEvents, Duration window, LongSupplier clock) {
		this.maxEvents = maxEvents;
		this.windowMillis = window.toMillis();
		this.clock = clock;
		this.windowStart = clock.getAsLong();
		setName("phanes-jmdns-log-throttle");
	}

	/**
	 * Add the filter to Logback, or count one more user if it is already there. Does
	 * nothing if SLF4J is not bound to Logback.
	 */
	public static void install() {
		ILoggerFactory factory = LoggerFactory.getILoggerFactory();
		if (!(factory instanceof LoggerContext context)) {
			return;
		}
		synchronized (lock) {
			if (installs++ == 0) {
				JmdnsLogThrottle filter = new JmdnsLogThrottle(DEFAULT_MAX_EVENTS, DEFAULT_WINDOW,
						System::currentTimeMillis);
				installed = filter;
				installedContext = context;
				ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
					Thread thread = new Thread(task, "phanes-jmdns-log-throttle");
					thread.setDaemon(true);
					return thread;
				});
				executor.scheduleAtFixedRate(filter::flush, filter.windowMillis, filter.windowMillis,
						TimeUnit.MILLISECONDS);
				flusher = executor;
			}
			attach();
		}
	}

	/**
	 * Count one user less, removing the filter from Logback when it was the last one and
	 * logging what it suppressed in the current window. Does nothing if SLF4J is not
	 * bound to Logback or the filter is not installed.
	 */
	public static void uninstall() {
		synchronized (lock) {
			if (installs == 0) {
				return;
			}
			installs--;
			JmdnsLogThrottle filter = installed;
			LoggerContext context = installedContext;
			ScheduledExecutorService executor = flusher;
			if (installs > 0 || filter == null || context == null) {
				return;
			}
			installed = null;
			installedContext = null;
			flusher = null;
			if (executor != null) {
				executor.shutdownNow();
			}
			context.getTurboFilterList().remove(filter);
			filter.stop();
			filter.flush(true);
		}
	}

	/**
	 * Return the installed filter.
	 * @return the filter, or {@code null} if none is installed
	 */
	static @Nullable JmdnsLogThrottle installed() {
		synchronized (lock) {
			return installed;
		}
	}

	/**
	 * Add the installed filter to its context again if a reconfiguration of Logback (a
	 * reset) removed it.
	 */
	private static void attach() {
		JmdnsLogThrottle filter = installed;
		LoggerContext context = installedContext;
		if (filter != null && context != null && !context.getTurboFilterList().contains(filter)) {
			filter.setContext(context);
			filter.start();
			context.addTurboFilter(filter);
		}
	}

	@Override
	public FilterReply decide(@Nullable Marker marker, Logger logger, @Nullable Level level, @Nullable String format,
			@Nullable Object @Nullable [] params, @Nullable Throwable throwable) {
		if (!isStarted() || level == null || format == null || level.toInt() < Level.INFO_INT
				|| !isJmdns(logger.getName()) || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
			// Not JmDNS, below INFO, only asking whether the level is enabled, or off
			return FilterReply.NEUTRAL;
		}
		Summary summary;
		boolean let;
		synchronized (this) {
			summary = rollOver(this.clock.getAsLong(), false);
			let = this.passedInWindow < this.maxEvents;
			if (let) {
				this.passedInWindow++;
				this.passed++;
			}
			else {
				this.suppressedInWindow++;
				this.suppressed++;
				if (this.highestSuppressed == null || level.isGreaterOrEqual(this.highestSuppressed)) {
					this.highestSuppressed = level;
				}
			}
		}
		if (summary != null) {
			summary.log();
		}
		return let ? FilterReply.NEUTRAL : FilterReply.DENY;
	}

	private static boolean isJmdns(String name) {
		return name.startsWith(LOGGER_PREFIX)
				&& (name.length() == LOGGER_PREFIX.length() || name.charAt(LOGGER_PREFIX.length()) == '.');
	}

	/**
	 * Log the summary of the current window if it is over and something was suppressed in
	 * it.
	 */
	void flush() {
		flush(false);
	}

	private void flush(boolean force) {
		Summary summary;
		synchronized (this) {
			summary = rollOver(this.clock.getAsLong(), force);
		}
		if (summary != null) {
			summary.log();
		}
	}

	private @Nullable Summary rollOver(long now, boolean force) {
		if (!force && now - this.windowStart < this.windowMillis) {
			return null;
		}
		Summary summary = null;
		if (this.suppressedInWindow > 0 && this.highestSuppressed != null) {
			summary = new Summary(this.suppressedInWindow, this.highestSuppressed, this.windowStart);
		}
		this.windowStart = now;
		this.passedInWindow = 0;
		this.suppressedInWindow = 0;
		this.highestSuppressed = null;
		return summary;
	}

	/**
	 * Return how many JmDNS events the filter let through.
	 * @return the count since the filter was created
	 */
	public synchronized long passedCount() {
		return this.passed;
	}

	/**
	 * Return how many JmDNS events the filter suppressed.
	 * @return the count since the filter was created
	 */
	public synchronized long suppressedCount() {
		return this.suppressed;
	}

	private static String describe(long millis) {
		if (millis % 60_000 == 0) {
			long minutes = millis / 60_000;
			return (minutes == 1) ? "minute" : minutes + " minutes";
		}
		if (millis % 1000 == 0) {
			long seconds = millis / 1000;
			return (seconds == 1) ? "second" : seconds + " seconds";
		}
		return millis + " ms";
	}

	private final class Summary {

		private final int count;

		private final Level level;

		private final long start;

		Summary(int count, Level level, long start) {
			this.count = count;
			this.level = level;
			this.start = start;
		}

		void log() {
			if (getContext() == null) {
				return;
			}
			Logger logger = ((LoggerContext) getContext()).getLogger(JmdnsLogThrottle.class);
			String window = describe(JmdnsLogThrottle.this.windowMillis);
			String message = "Suppressed " + this.count + " JmDNS log events in the " + window + " from "
					+ Instant.ofEpochMilli(this.start) + " (at most " + JmdnsLogThrottle.this.maxEvents + " per "
					+ window + " are logged; a peer may be sending malformed mDNS packets)";
			if (this.level.isGreaterOrEqual(Level.ERROR)) {
				logger.error(message);
			}
			else if (this.level.isGreaterOrEqual(Level.WARN)) {
				logger.warn(message);
			}
			else {
				logger.info(message);
			}
		}

	}

}
