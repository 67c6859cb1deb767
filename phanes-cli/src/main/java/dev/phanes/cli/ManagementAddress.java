package dev.phanes.cli;

import java.net.URI;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Where an instance's Actuator endpoints are: read from the instance's metadata the way
 * Spring Boot Admin reads it ({@code management.scheme}, {@code management.address},
 * {@code management.port}, {@code management.context-path}), each defaulting to the
 * instance's own scheme, host and port and {@code /actuator}.
 *
 * @param scheme {@code http} or {@code https}
 * @param host the host or address
 * @param port the port
 * @param basePath the base path of the endpoints, starting with a slash and not ending
 * with one (empty for the root)
 */
record ManagementAddress(String scheme, String host, int port, String basePath) {

	/**
	 * Metadata key of the management port.
	 */
	static final String PORT = "management.port";

	/**
	 * Metadata key of the management base path.
	 */
	static final String CONTEXT_PATH = "management.context-path";

	/**
	 * Metadata key of the management address.
	 */
	static final String ADDRESS = "management.address";

	/**
	 * Metadata key of the management scheme.
	 */
	static final String SCHEME = "management.scheme";

	/**
	 * Actuator's default base path.
	 */
	static final String DEFAULT_BASE_PATH = "/actuator";

	/**
	 * Find the management address of an instance.
	 * @param instance the instance
	 * @return its management address
	 * @throws CliException if its metadata holds a port that is not a number
	 */
	static ManagementAddress of(ServiceInstance instance) {
		Map<String, String> metadata = instance.getMetadata();
		String scheme = blankToDefault(metadata.get(SCHEME), instance.isSecure() ? "https" : "http");
		String host = blankToDefault(metadata.get(ADDRESS), instance.getHost());
		int port = instance.getPort();
		String declaredPort = metadata.get(PORT);
		if (declaredPort != null && !declaredPort.isBlank()) {
			try {
				port = Integer.parseInt(declaredPort.trim());
			}
			catch (NumberFormatException ex) {
				throw new CliException(instance.getInstanceId() + " publishes " + PORT + "=" + declaredPort
						+ ", which is not a port number");
			}
		}
		String path = blankToDefault(metadata.get(CONTEXT_PATH), DEFAULT_BASE_PATH).trim();
		if (!path.startsWith("/")) {
			path = "/" + path;
		}
		while (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		return new ManagementAddress(scheme, host, port, path);
	}

	/**
	 * Return the address of an endpoint.
	 * @param endpoint the endpoint's path under the base path, such as {@code health} or
	 * {@code logs/stream}
	 * @param query the query, already encoded, or {@code null}
	 * @return the URI
	 */
	URI resolve(String endpoint, @Nullable String query) {
		return URI.create(this + "/" + endpoint + ((query != null && !query.isEmpty()) ? "?" + query : ""));
	}

	/**
	 * Return the base URL of the endpoints.
	 * @return for example {@code http://127.0.0.1:8080/actuator}
	 */
	@Override
	public String toString() {
		String uriHost = (this.host.indexOf(':') >= 0 && !this.host.startsWith("[")) ? "[" + this.host + "]"
				: this.host;
		return this.scheme + "://" + uriHost + ":" + this.port + this.basePath;
	}

	private static String blankToDefault(@Nullable String value, String fallback) {
		return (value != null && !value.isBlank()) ? value : fallback;
	}

}
