package dev.phanes.discovery;

import java.net.URI;
import java.util.Map;

import org.springframework.cloud.client.ServiceInstance;

/**
 * An instance of a service as a discovery view (mDNS or etcd) knows it. Equal instances
 * have the same id, address and metadata, so that Spring Cloud LoadBalancer's retry can
 * tell a previous instance from another.
 *
 * @param serviceId the service id (lower case)
 * @param instanceId the instance's id (its DNS-SD instance name, or its registry node id)
 * @param host the address to call
 * @param port the port to call
 * @param secure whether to call over HTTPS
 * @param metadata the instance's metadata (TXT entries, or the node's metadata)
 */
public record DiscoveredInstance(String serviceId, String instanceId, String host, int port, boolean secure,
		Map<String, String> metadata) implements ServiceInstance {

	public DiscoveredInstance {
		metadata = Map.copyOf(metadata);
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

	@Override
	public boolean isSecure() {
		return this.secure;
	}

	@Override
	public URI getUri() {
		return URI.create(getScheme() + "://" + hostForUri() + ":" + this.port);
	}

	@Override
	public String getScheme() {
		return this.secure ? "https" : "http";
	}

	@Override
	public Map<String, String> getMetadata() {
		return this.metadata;
	}

	private String hostForUri() {
		return (this.host.indexOf(':') >= 0 && !this.host.startsWith("[")) ? "[" + this.host + "]" : this.host;
	}

}
