package dev.phanes.discovery;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.springframework.cloud.client.serviceregistry.Registration;

/**
 * This application's entry in the mDNS registry: one DNS-SD instance of its service type.
 * The port is set when the web server has started.
 */
public final class MdnsRegistration implements Registration {

	private final String serviceId;

	private final String instanceId;

	private final String host;

	private volatile int port;

	private final boolean secure;

	private final Map<String, String> metadata;

	/**
	 * Create a registration.
	 * @param serviceId the service id, a valid DNS-SD service name
	 * @param instanceId the instance id, unique on the network
	 * @param host the address peers call
	 * @param port the port peers call, 0 until known
	 * @param secure whether peers call over HTTPS
	 * @param metadata the metadata to publish
	 */
	public MdnsRegistration(String serviceId, String instanceId, String host, int port, boolean secure,
			Map<String, String> metadata) {
		this.serviceId = DnsSd.checkServiceId(serviceId, "the registration");
		this.instanceId = DnsSd.checkInstanceId(instanceId, "the registration");
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
	 * Set the port peers call.
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
		return new MdnsServiceInstance(this.serviceId, this.instanceId, this.host, this.port, this.secure, Map.of())
			.getUri();
	}

	/**
	 * Return the metadata to publish; changes made before registering are published.
	 * @return the metadata, mutable
	 */
	@Override
	public Map<String, String> getMetadata() {
		return this.metadata;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof MdnsRegistration that && this.serviceId.equals(that.serviceId)
				&& this.instanceId.equals(that.instanceId);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.serviceId, this.instanceId);
	}

	@Override
	public String toString() {
		return this.serviceId + "/" + this.instanceId + "@" + this.host + ":" + this.port;
	}

}
