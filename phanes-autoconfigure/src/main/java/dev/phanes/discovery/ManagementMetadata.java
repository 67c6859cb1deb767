package dev.phanes.discovery;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementServerProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Where an instance's Actuator endpoints are, as the metadata keys that Spring Boot
 * Admin's {@code DefaultServiceInstanceConverter} (and other tools following it) read:
 * {@value #CONTEXT_PATH}, {@value #PORT}, {@value #ADDRESS} and {@value #HEALTH_PATH}.
 * Computed from the environment the way Spring Boot maps the endpoints.
 */
final class ManagementMetadata {

	/**
	 * Path of the endpoints on the port they are served on; always published.
	 */
	static final String CONTEXT_PATH = "management.context-path";

	/**
	 * Port of a management server that runs on a port of its own.
	 */
	static final String PORT = "management.port";

	/**
	 * Address of a management server bound to an address other than the one registered.
	 */
	static final String ADDRESS = "management.address";

	/**
	 * Path of the health endpoint under the context path, when it is mapped elsewhere.
	 */
	static final String HEALTH_PATH = "health.path";

	private ManagementMetadata() {
	}

	/**
	 * Compute the metadata of an instance.
	 * @param environment the application's environment
	 * @param reactive whether the application is a reactive web application (else a
	 * servlet one)
	 * @param host the host the instance is registered with
	 * @param managementPort the port the management server listens on, if it runs on a
	 * port of its own and has started
	 * @return the entries, empty when the management endpoints are not served over HTTP
	 */
	static Map<String, String> of(Environment environment, boolean reactive, String host,
			@Nullable Integer managementPort) {
		Map<String, String> metadata = new LinkedHashMap<>();
		ManagementPortType type = ManagementPortType.get(environment);
		if (type == ManagementPortType.DISABLED) {
			return metadata;
		}
		Binder binder = Binder.get(environment);
		WebEndpointProperties endpoints = binder.bind("management.endpoints.web", WebEndpointProperties.class)
			.orElseGet(WebEndpointProperties::new);
		if (type == ManagementPortType.DIFFERENT) {
			ManagementServerProperties server = binder.bind("management.server", ManagementServerProperties.class)
				.orElseGet(ManagementServerProperties::new);
			metadata.put(CONTEXT_PATH, path(clean(server.getBasePath()) + clean(endpoints.getBasePath())));
			if (managementPort != null && managementPort > 0) {
				metadata.put(PORT, Integer.toString(managementPort));
			}
			InetAddress address = server.getAddress();
			if (address != null && !address.isAnyLocalAddress() && !address.getHostAddress().equals(host)) {
				metadata.put(ADDRESS, address.getHostAddress());
			}
		}
		else {
			metadata.put(CONTEXT_PATH, path(applicationPath(environment, reactive) + clean(endpoints.getBasePath())));
		}
		String health = endpoints.getPathMapping().get("health");
		if (StringUtils.hasText(health)) {
			metadata.put(HEALTH_PATH, health);
		}
		return metadata;
	}

	/**
	 * The path the application's own endpoints are under, which the management endpoints
	 * share when they are served on the application's port.
	 */
	private static String applicationPath(Environment environment, boolean reactive) {
		if (reactive) {
			return clean(environment.getProperty("spring.webflux.base-path"));
		}
		// Actuator's MVC endpoints are under the dispatcher servlet's path too.
		return clean(environment.getProperty("server.servlet.context-path"))
				+ clean(environment.getProperty("spring.mvc.servlet.path"));
	}

	/**
	 * A path with a leading slash and no trailing one; empty for the root.
	 */
	private static String clean(@Nullable String path) {
		if (!StringUtils.hasText(path)) {
			return "";
		}
		String cleaned = path.trim();
		if (!cleaned.startsWith("/")) {
			cleaned = "/" + cleaned;
		}
		while (cleaned.endsWith("/")) {
			cleaned = cleaned.substring(0, cleaned.length() - 1);
		}
		return cleaned;
	}

	/**
	 * The root is published as {@code /}: an empty value would read as absent, which
	 * means {@code /actuator}.
	 */
	private static String path(String path) {
		return path.isEmpty() ? "/" : path;
	}

}
