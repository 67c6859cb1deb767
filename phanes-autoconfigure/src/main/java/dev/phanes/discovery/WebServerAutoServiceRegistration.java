package dev.phanes.discovery;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.serviceregistry.AbstractAutoServiceRegistration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Registers the application in a registry of any engine when its web server has started,
 * with the port it listens on, and takes it out when shutdown begins
 * ({@link #goodbyeOnShutdown(Duration)}, a {@link GoodbyeOnShutdown}).
 *
 * @param <R> the engine's registration
 */
public class WebServerAutoServiceRegistration<R extends DiscoveryRegistration>
		extends AbstractAutoServiceRegistration<R> {

	private final R registration;

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
