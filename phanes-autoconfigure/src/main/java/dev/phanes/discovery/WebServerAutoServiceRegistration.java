package dev.phanes.discovery;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.serviceregistry.AbstractAutoServiceRegistration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.boot.web.server.context.ConfigurableWebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextRefreshedEvent;

/**
 * Registers the application in a registry of any engine once its context is refreshed
 * (every lifecycle bean started: the web server, whose port it registers, and a gRPC
 * server, whose port the RPC block has put in the registration's metadata by then), and
 * takes it out when shutdown begins ({@link #goodbyeOnShutdown(Duration)}, a
 * {@link GoodbyeOnShutdown}). Spring Cloud's registrations register when the web server
 * starts; waiting for the refresh means a registration is published once, with all its
 * metadata, instead of being published again when a later server starts.
 *
 * @param <R> the engine's registration
 */
public class WebServerAutoServiceRegistration<R extends DiscoveryRegistration>
		extends AbstractAutoServiceRegistration<R> {

	private final R registration;

	private boolean webServerStarted;

	private boolean refreshed;

	/**
	 * Create the auto-registration.
	 * @param context the application context
	 * @param registry the registry
	 * @param properties Spring Cloud's auto-registration properties
	 * @param registration this application's registration
	 */
	public WebServerAutoServiceRegistration(ApplicationContext context, ServiceRegistry<R> registry,
			AutoServiceRegistrationProperties properties, R registration) {
		super(context, registry, properties, List.of(), List.of());
		this.registration = registration;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (event.getApplicationContext() instanceof ConfigurableWebServerApplicationContext context
				&& "management".equals(context.getServerNamespace())) {
			return;
		}
		getPort().compareAndSet(0, event.getWebServer().getPort());
		synchronized (this) {
			this.webServerStarted = true;
			if (!this.refreshed) {
				return;
			}
		}
		start();
	}

	/**
	 * Return the listener that registers the application once its context is refreshed,
	 * if its web server has started by then.
	 * @return a listener of the application's context
	 */
	public ApplicationListener<ContextRefreshedEvent> registerWhenRefreshed() {
		return (event) -> {
			if (event.getApplicationContext() != getContext()) {
				// A child context (a load-balancer client's) told its parent.
				return;
			}
			synchronized (this) {
				this.refreshed = true;
				if (!this.webServerStarted) {
					return;
				}
			}
			start();
		};
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
	protected R getRegistration() {
		return this.registration;
	}

	@Override
	protected @Nullable R getManagementRegistration() {
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
	 * Return the lifecycle that takes the application out of the registry when shutdown
	 * begins and then holds the shutdown for a while, so that peers drop this instance
	 * before its web server stops taking requests.
	 * @param delay how long to wait after the goodbye; zero for no wait
	 * @return a lifecycle stopped among the first
	 */
	public SmartLifecycle goodbyeOnShutdown(Duration delay) {
		return new GoodbyeOnShutdown(this::stop, delay);
	}

}
