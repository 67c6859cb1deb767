package dev.phanes.discovery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.serviceregistry.AbstractAutoServiceRegistration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Registers the application over mDNS when its web server has started, and says goodbye
 * when shutdown begins: {@link #goodbyeOnShutdown(Duration)} is a lifecycle stopped
 * before the web server's graceful drain, which it holds back for a configured delay, so
 * peers have stopped choosing this instance before its listener closes. (Spring Cloud's
 * base class deregisters in {@code @PreDestroy}, after the drain; that later call finds
 * nothing left to do.)
 */
public class MdnsAutoServiceRegistration extends AbstractAutoServiceRegistration<MdnsRegistration> {

	private final MdnsRegistration registration;

	/**
	 * Create the auto-registration.
	 * @param context the application context
	 * @param registry the mDNS registry
	 * @param properties Spring Cloud's auto-registration properties
	 * @param registration this application's registration
	 */
	public MdnsAutoServiceRegistration(ApplicationContext context, MdnsServiceRegistry registry,
			AutoServiceRegistrationProperties properties, MdnsRegistration registration) {
		super(context, registry, properties, List.of(), List.of());
		this.registration = registration;
	}

	@Override
	protected Object getConfiguration() {
		return this.registration;
	}

	@Override
	protected boolean isEnabled() {
		return true;
	}

	@Override
	protected MdnsRegistration getRegistration() {
		return this.registration;
	}

	@Override
	protected @Nullable MdnsRegistration getManagementRegistration() {
		return null;
	}

	@Override
	protected boolean shouldRegisterManagement() {
		return false;
	}

	@Override
	protected void register() {
		this.registration.setPort(getPort().get());
		super.register();
	}

	/**
	 * Return the lifecycle that deregisters when shutdown begins and then holds the
	 * shutdown for a while, so that peers drop this instance before its web server stops
	 * taking requests.
	 * @param delay how long to wait after the goodbye; zero for no wait
	 * @return a lifecycle stopped among the first
	 */
	public SmartLifecycle goodbyeOnShutdown(Duration delay) {
		return new GoodbyeOnShutdown(delay);
	}

	private final class GoodbyeOnShutdown implements SmartLifecycle {

		private final Duration delay;

		private volatile boolean running;

		GoodbyeOnShutdown(Duration delay) {
			this.delay = delay;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			MdnsAutoServiceRegistration.this.stop();
		}

		/**
		 * Say goodbye, then let the shutdown go on after the delay, without holding a
		 * thread: the other lifecycles of this phase stop meanwhile, and the web server's
		 * graceful shutdown, in a later phase, waits for this one.
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

}
