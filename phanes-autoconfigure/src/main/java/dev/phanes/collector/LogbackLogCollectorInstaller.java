package dev.phanes.collector;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.Appender;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Attaches a {@link LogCollector}'s appender to Logback's root logger and keeps it there
 * when logging is configured again: Spring Boot re-initialising logging stops and resets
 * the {@link LoggerContext}, which detaches every appender and forgets every listener. As
 * a reset-resistant {@link LoggerContextListener} the installer re-attaches the appender
 * after each reset; after a stop, which drops even reset-resistant listeners, it
 * registers itself again once the stop has finished (the context's configuration lock
 * tells when).
 */
class LogbackLogCollectorInstaller implements LoggerContextListener, AutoCloseable {

	private final LoggerContext context;

	private final LogCollectorAppender appender;

	private volatile boolean closed;

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
		if (this.closed) {
			return;
		}
		// The stop forgets all listeners; whoever stopped the context (Spring Boot
		// starting
		// the logging of another application in this JVM) then resets and configures it
		// again on its own thread, iterating the listeners without a lock. Come back only
		// once the context has started again, so as not to add to that list while it is
		// being iterated.
		Thread reinstall = new Thread(() -> {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (!this.context.isStarted() && !this.closed && System.nanoTime() < deadline) {
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
			ReentrantLock lock = this.context.getConfigurationLock();
			lock.lock();
			try {
				install();
			}
			finally {
				lock.unlock();
			}
		}, "phanes-log-collector-reinstall");
		reinstall.setDaemon(true);
		reinstall.start();
	}

	@Override
	public void onLevelChange(Logger logger, Level level) {
	}

	/**
	 * Detach the appender and stop listening.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.context.removeListener(this);
		this.context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this.appender);
		this.appender.stop();
	}

}
