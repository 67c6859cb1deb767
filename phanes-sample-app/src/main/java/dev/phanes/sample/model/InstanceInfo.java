package dev.phanes.sample.model;

import org.springframework.cloud.client.serviceregistry.Registration;

/**
 * Which instance of a service answered.
 *
 * @param serviceId the service id it registered under
 * @param instanceId its instance id, unique on the network
 * @param uri where peers call it
 */
public record InstanceInfo(String serviceId, String instanceId, String uri) {

	/**
	 * Describe this application's registration. A registry that leaves the registration's
	 * instance id unset (Spring Cloud Zookeeper's, whose id is made when it registers) is
	 * identified by its host and port.
	 * @param registration the registration
	 * @return its description
	 */
	public static InstanceInfo of(Registration registration) {
		String instanceId = registration.getInstanceId();
		if (instanceId == null) {
			instanceId = registration.getHost() + ":" + registration.getPort();
		}
		return new InstanceInfo(registration.getServiceId(), instanceId, registration.getUri().toString());
	}

}
