package dev.phanes.discovery;

import java.util.Map;

/**
 * This application's entry in the mDNS registry: one DNS-SD instance of its service type.
 * The port is set when the web server has started.
 */
public final class MdnsRegistration extends DiscoveryRegistration {

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
		super(DnsSd.checkServiceId(serviceId, "the registration"),
				DnsSd.checkInstanceId(instanceId, "the registration"), host, port, secure, metadata);
	}

}
