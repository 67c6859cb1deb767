package dev.phanes.loadbalancer;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The Actuator endpoint {@code outliers}: for every service this application called, the
 * instances that failed, with whether they are ejected, until when, their failures in a
 * row and how many times in a row they were ejected.
 */
@Endpoint(id = "outliers")
public class OutliersEndpoint {

	private final OutlierEjections ejections;

	/**
	 * Create the endpoint.
	 * @param ejections the outlier detection of the services called
	 */
	public OutliersEndpoint(OutlierEjections ejections) {
		this.ejections = ejections;
	}

	/**
	 * Describe the instances that failed.
	 * @return each service's ejected count and failed instances
	 */
	@ReadOperation
	public OutliersDescriptor outliers() {
		Map<String, ServiceDescriptor> services = new LinkedHashMap<>();
		this.ejections.services()
			.forEach((service, ejection) -> services.put(service,
					new ServiceDescriptor(ejection.ejectedCount(), ejection.states())));
		return new OutliersDescriptor(this.ejections.isEnabled(), services);
	}

	/**
	 * What the endpoint shows.
	 *
	 * @param enabled whether instances are ejected at all
	 * @param services each service called, by id
	 */
	public record OutliersDescriptor(boolean enabled, Map<String, ServiceDescriptor> services) {

	}

	/**
	 * One service.
	 *
	 * @param ejected how many of its instances are ejected now
	 * @param instances its instances that failed, by identity
	 */
	public record ServiceDescriptor(int ejected, Map<String, OutlierEjection.InstanceState> instances) {

	}

}
