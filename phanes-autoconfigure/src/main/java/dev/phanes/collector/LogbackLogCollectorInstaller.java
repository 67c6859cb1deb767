package dev.phanes.collector;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.Appender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.jspecify.annotations.Nullable;

/**
 * Attaches a {@link LogCollector}'s appender to Logback's root logger and keeps it there
 * when logging is configured again: Spring Boot re-initialising logging stops and resets
 * the {@link LoggerContext}, which detaches every appender and forgets every listener. As
 * a reset-resistant {@link LoggerContextListener} the installer re-attaches the appender
 * after each reset; after a stop, which drops even reset-resistant listeners, a check
 * every 200 ms re-attaches it whenever the root logger has no log collector.
 */
class LogbackLogCollectorInstaller implements LoggerContextListener, AutoCloseable {

	private final LoggerContext context;

	private final LogCollectorAppender appender;

	/**
	 * The lock every installer of this JVM attaches and detaches with: the applications
	 * of one JVM share Logback's root logger.
	 */
	private static final Object ATTACHING = new Object();

	private volatile boolean closed;

	private @Nullable ScheduledExecutorService watcher;

	LogbackLogCollectorInstaller(LoggerContext context, LogCollector collector) {
		this.context = context;
		this.appender = new LogCollectorAppender(collector);
		this.appender.setContext(context);
	}

	/**
	 * Attach the appender and start listening for resets.
	 */
	void install() {
		attach();
		if (!this.context.getCopyOfListenerList().contains(this)) {
			this.context.addListener(this);
		}
	}

	private void attach() {
		synchronized (ATTACHING) {
			if (this.closed) {
				return;
			}
			Logger root = this.context.getLogger(Logger.ROOT_LOGGER_NAME);
			Appender<ILoggingEvent> attached = root.getAppender(LogCollectorAppender.NAME);
			if (attached != this.appender) {
				if (attached != null) {
					root.detachAppender(attached);
				}
				// A reset stops the appenders it detaches.
				this.appender.start();
				root.addAppender(this.appender);
			}
		}
	}

	/**
	 * Attach the appender if the root logger has no log collector: one that another
	 * application of this JVM attached since is left in place, as a reset would leave the
	 * last one to hear of it. Under the lock every installer of this JVM attaches with,
	 * so the check and the attachment are one step.
	 */
	private void attachIfNone() {
		synchronized (ATTACHING) {
			if (this.closed) {
				return;
			}
			Logger root = this.context.getLogger(Logger.ROOT_LOGGER_NAME);
			if (root.getAppender(LogCollectorAppender.NAME) == null) {
				this.appender.start();
				root.addAppender(this.appender);
			}
		}
	}

	@Override
	public boolean isResetResistant() {
		return true;
	}

	@Override
	public void onStart(LoggerContext context) {
		attach();
	}

	@Override
	public void onReset(LoggerContext context) {
		attach();
	}

	@Override
	public void onStop(LoggerContext context) {
		// The stop forgets all listeners, and whoever stopped the context (Spring Boot
		// starting the logging of another application in this JVM) then resets and
		// configures it again on its own thread, iterating the listener list without a
		// lock, once per configuration step. Adding this listener back from another
		// thread
		// would race with those iterations (a ConcurrentModificationException in that
		// application's start). So from now on the appender is re-attached by a check
		// every 200 ms instead, whatever state the context is in (Boot configures it
		// without always starting it again); appenders, unlike listeners, are a
		// copy-on-write list.
		synchronized (ATTACHING) {
			if (this.watcher == null && !this.closed) {
				this.watcher = Executors.newSingleThreadScheduledExecutor((task) -> {
					Thread thread = new Thread(task, "phanes-log-collector-reattach");
					thread.setDaemon(true);
					return thread;
				});
				this.watcher.scheduleWithFixedDelay(this::attachIfNone, 0, 200, TimeUnit.MILLISECONDS);
			}
		}
	}

	@Override
	public void onLevelChange(Logger logger, Level level) {
	}

	/**
	 * Detach the appender and stop listening.
	 */
	@Override
	public void close() {
		synchronized (ATTACHING) {
			this.closed = true;
			if (this.watcher != null) {
				this.watcher.shutdownNow();
			}
			this.context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this.appender);
			this.appender.stop();
		}
		this.context.removeListener(this);
	}

}
