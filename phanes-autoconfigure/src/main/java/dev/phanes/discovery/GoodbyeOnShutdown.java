package dev.phanes.discovery;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.context.SmartLifecycle;

/**
 * Takes the application out of discovery when shutdown begins, before the web server's
 * graceful drain, then holds the shutdown for a configured delay, so that peers have
 * stopped choosing this instance before its listener closes. (Spring Cloud's
 * auto-registration deregisters in {@code @PreDestroy}, after the drain; that later call
 * finds nothing left to do.)
 */
public final class GoodbyeOnShutdown implements SmartLifecycle {

	private final Runnable goodbye;

	private final Duration delay;

	private volatile boolean running;

	/**
	 * Create the lifecycle.
	 * @param goodbye what takes the application out of discovery
	 * @param delay how long to wait after the goodbye; zero for no wait
	 */
	public GoodbyeOnShutdown(Runnable goodbye, Duration delay) {
		this.goodbye = goodbye;
		this.delay = delay;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.goodbye.run();
	}

	/**
	 * Say goodbye, then let the shutdown go on after the delay, without holding a thread:
	 * the other lifecycles of this phase stop meanwhile, and the web server's graceful
	 * shutdown, in a later phase, waits for this one.
	 */
	@Override
	public void stop(Runnable callback) {
		stop();
		if (this.delay.isZero() || this.delay.isNegative()) {
			callback.run();
			return;
		}
		CompletableFuture.delayedExecutor(this.delay.toMillis(), TimeUnit.MILLISECONDS).execute(callback);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stopped before the graceful shutdown of the web server (which stops in phase
	 * {@code DEFAULT_PHASE - 1024}).
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

}
