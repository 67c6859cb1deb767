package dev.phanes.discovery;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.web.context.reactive.ReactiveWebApplicationContext;
import org.springframework.boot.web.server.context.ConfigurableWebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Puts where the application's Actuator endpoints are ({@link ManagementMetadata}) in the
 * metadata of Phanes' registrations, so that Spring Boot Admin and other tools reading
 * those keys find them on a management port of their own or under another base path.
 * <p>
 * It acts on each {@link WebServerInitializedEvent}: the application's server and, when
 * management runs on a port of its own, the management server (whose event carries the
 * port bound, so port 0 works). Both start before the context is refreshed, when Phanes
 * publishes a registration, so the registration is published with these entries. It runs
 * before the auto-registration's own listener, so that an application whose server starts
 * after the refresh is published with them too. An entry the user put in the metadata
 * (such as {@code phanes.discovery.mdns.metadata.management.context-path}) is kept.
 * Called from the thread that starts the servers.
 */
class ManagementMetadataPublisher implements ApplicationListener<WebServerInitializedEvent>, Ordered {

	private static final String MANAGEMENT_NAMESPACE = "management";

	private final ApplicationContext context;

	private volatile @Nullable Integer managementPort;

	/**
	 * Create the publisher.
	 * @param context the application's context, where the registrations are found
	 */
	ManagementMetadataPublisher(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (event.getApplicationContext() instanceof ConfigurableWebServerApplicationContext server
				&& MANAGEMENT_NAMESPACE.equals(server.getServerNamespace())) {
			this.managementPort = event.getWebServer().getPort();
		}
		boolean reactive = this.context instanceof ReactiveWebApplicationContext;
		for (DiscoveryRegistration registration : this.context.getBeansOfType(DiscoveryRegistration.class, false, false)
			.values()) {
			Map<String, String> metadata = registration.getMetadata();
			ManagementMetadata.of(this.context.getEnvironment(), reactive, registration.getHost(), this.managementPort)
				.forEach(metadata::putIfAbsent);
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
