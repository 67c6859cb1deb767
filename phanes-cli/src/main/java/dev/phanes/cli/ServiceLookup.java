package dev.phanes.cli;

import java.util.List;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Finds the instances of the service a command names, or says clearly why there are none:
 * nothing discovered at all, or a service nobody registered (listing those that were).
 */
final class ServiceLookup {

	private ServiceLookup() {
	}

	/**
	 * Return the instances of a service.
	 * @param discovery the discovery to ask
	 * @param options the command's options, for messages
	 * @param serviceId the service id
	 * @return its instances, never empty
	 * @throws CliException if the service has no instances
	 */
	static List<ServiceInstance> require(Discovery discovery, CliOptions options, String serviceId) {
		List<ServiceInstance> instances = discovery.instances(serviceId);
		if (!instances.isEmpty()) {
			return instances;
		}
		List<String> known = discovery.services();
		if (known.isEmpty()) {
			throw noServices(discovery, options);
		}
		throw new CliException(
				"Unknown service '" + serviceId + "': no instance of it was found " + where(discovery, options)
						+ ". Known services: " + String.join(", ", known) + " (run 'phanes services' for counts)");
	}

	/**
	 * Return the services discovered.
	 * @param discovery the discovery to ask
	 * @param options the command's options, for messages
	 * @return the service ids, never empty
	 * @throws CliException if there are none
	 */
	static List<String> requireServices(Discovery discovery, CliOptions options) {
		List<String> services = discovery.services();
		if (services.isEmpty()) {
			throw noServices(discovery, options);
		}
		return services;
	}

	/**
	 * Explain that no service was found, and what to check.
	 * @param discovery the discovery that found nothing
	 * @param options the command's options
	 * @return the exception to throw
	 */
	static CliException noServices(Discovery discovery, CliOptions options) {
		if (options.usesEtcd()) {
			String problem = discovery.problem();
			return new CliException("No services found in etcd (" + discovery.description() + ")"
					+ ((problem != null) ? ": " + problem + ". Is etcd running and reachable?"
							: "; are instances running with phanes.discovery.type=etcd, under the same "
									+ "phanes.discovery.etcd.prefix?"));
		}
		return new CliException("No services found over " + discovery.description() + " within "
				+ Console.format(options.listen()) + "; are instances running? Instances are found only if they "
				+ "announce on the same address (their phanes.discovery.mdns.address); choose it with "
				+ "--mdns-address, or listen longer with --wait");
	}

	private static String where(Discovery discovery, CliOptions options) {
		return options.usesEtcd() ? "in etcd (" + discovery.description() + ")"
				: "over " + discovery.description() + " within " + Console.format(options.listen());
	}

}
