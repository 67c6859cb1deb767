package dev.phanes.discovery.etcd;

import java.util.Map;

import dev.phanes.discovery.DiscoveryRegistration;

/**
 * This application's registration in etcd: one go-micro node of its service, whose port
 * is known once the web server has started.
 */
public final class EtcdRegistration extends DiscoveryRegistration {

	private final String version;

	/**
	 * Create a registration.
	 * @param serviceId the service id, go-micro's service name
	 * @param instanceId the node id
	 * @param host the host or address peers call
	 * @param port the port, or 0 until it is known
	 * @param secure whether peers call over HTTPS
	 * @param version go-micro's version of the service
	 * @param metadata the node's metadata
	 */
	public EtcdRegistration(String serviceId, String instanceId, String host, int port, boolean secure, String version,
			Map<String, String> metadata) {
		super(GoMicroDocuments.checkName(serviceId, "service id"),
				GoMicroDocuments.checkName(instanceId, "instance id"), host, port, secure, metadata);
		this.version = version;
	}

	/**
	 * go-micro's version of the service.
	 * @return the version
	 */
	public String getVersion() {
		return this.version;
	}

}
