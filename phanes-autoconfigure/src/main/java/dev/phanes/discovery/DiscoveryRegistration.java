package dev.phanes.discovery;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.springframework.cloud.client.serviceregistry.Registration;

/**
 * This application's entry in a registry of any engine. The port is set when the web
 * server has started. Two registrations are equal if they are of the same engine and have
 * the same service and instance ids.
 */
public abstract class DiscoveryRegistration implements Registration {

	private final String serviceId;

	private final String instanceId;

	private final String host;

	private volatile int port;

	private final boolean secure;

	private final Map<String, String> metadata;

	/**
	 * Create a registration.
	 * @param serviceId the service id, checked by the engine
	 * @param instanceId the instance id, checked by the engine
	 * @param host the address peers call
	 * @param port the port peers call, 0 until known
	 * @param secure whether peers call over HTTPS
	 * @param metadata the metadata to publish
	 */
	protected DiscoveryRegistration(String serviceId, String instanceId, String host, int port, boolean secure,
			Map<String, String> metadata) {
		this.serviceId = serviceId;
		this.instanceId = instanceId;
		this.host = host;
		this.port = port;
		this.secure = secure;
		this.metadata = new LinkedHashMap<>(metadata);
	}

	@Override
	public String getServiceId() {
		return this.serviceId;
	}

	@Override
	public String getInstanceId() {
		return this.instanceId;
	}

	@Override
	public String getHost() {
		return this.host;
	}

	@Override
	public int getPort() {
		return this.port;
	}

	/**
	 * Set the port, once the web server listens.
	 * @param port the port
	 */
	public void setPort(int port) {
		this.port = port;
	}

	@Override
	public boolean isSecure() {
		return this.secure;
	}

	@Override
	public URI getUri() {
		return new DiscoveredInstance(this.serviceId, this.instanceId, this.host, this.port, this.secure, Map.of())
			.getUri();
	}

	@Override
	public Map<String, String> getMetadata() {
		return this.metadata;
	}

	@Override
	public boolean equals(Object other) {
		return other != null && other.getClass() == getClass()
				&& this.serviceId.equals(((DiscoveryRegistration) other).serviceId)
				&& this.instanceId.equals(((DiscoveryRegistration) other).instanceId);
	}

	@Override
	public int hashCode() {
		return Objects.hash(getClass(), this.serviceId, this.instanceId);
	}

	@Override
	public String toString() {
		return this.serviceId + "/" + this.instanceId + "@" + this.host + ":" + this.port;
	}

}
