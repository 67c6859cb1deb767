package dev.phanes.rpc;

import java.util.Map;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.cloud.client.serviceregistry.AbstractAutoServiceRegistration;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.context.ApplicationListener;
import org.springframework.core.ResolvableType;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/**
 * Publishes the port of the application's gRPC server in its discovery registrations as
 * {@value #PORT_METADATA}, the key grpc-spring-boot-starter uses and Phanes'
 * {@code discovery:///} resolver reads, when Spring gRPC's server has started
 * ({@link GrpcServerStartedEvent}, which carries the port bound, so port 0 works).
 * <p>
 * Spring gRPC starts its server after the web server, so the registration is usually
 * published by then: while Spring Cloud's auto-registration runs, each registration is
 * registered again with the registries whose type accepts it, which a Spring Cloud
 * {@code ServiceRegistry} treats as an update (Phanes' mDNS registry withdraws and
 * announces the instance again, its etcd registry rewrites it, Spring Cloud Zookeeper's
 * updates its node). A registration not published yet simply carries the port when it is.
 * An in-process server (no port) publishes nothing.
 */
public class GrpcPortPublisher implements ApplicationListener<GrpcServerStartedEvent> {

	/**
	 * The metadata key of the gRPC port.
	 */
	public static final String PORT_METADATA = "gRPC_port";

	private static final Log logger = LogFactory.getLog(GrpcPortPublisher.class);

	private final ListableBeanFactory beans;

	/**
	 * Create the publisher.
	 * @param beans where the registrations and registries are found
	 */
	public GrpcPortPublisher(ListableBeanFactory beans) {
		this.beans = beans;
	}

	@Override
	public void onApplicationEvent(GrpcServerStartedEvent event) {
		if (event.getPort() <= 0) {
			// An in-process server has no port to publish.
			return;
		}
		String port = Integer.toString(event.getPort());
		for (Registration registration : this.beans.getBeansOfType(Registration.class, false, false).values()) {
			publish(registration, port);
		}
	}

	private void publish(Registration registration, String port) {
		Map<String, String> metadata = registration.getMetadata();
		if (metadata == null || Objects.equals(metadata.get(PORT_METADATA), port)) {
			return;
		}
		try {
			metadata.put(PORT_METADATA, port);
		}
		catch (UnsupportedOperationException ex) {
			logger.warn("Cannot publish the gRPC port " + port + " of " + registration.getServiceId()
					+ ": its registration's metadata cannot be changed; set " + PORT_METADATA
					+ " in its metadata yourself");
			return;
		}
		if (registration.getPort() <= 0 || !isRegistered()) {
			// Not published yet: the registration carries the port when it is.
			return;
		}
		reregister(registration);
		logger.info("Published gRPC port " + port + " of " + registration.getServiceId() + " in discovery");
	}

	/**
	 * Whether Spring Cloud's auto-registration has published the application: then its
	 * registrations are out and must be registered again to carry the port.
	 */
	private boolean isRegistered() {
		return this.beans.getBeansOfType(AbstractAutoServiceRegistration.class, false, false)
			.values()
			.stream()
			.anyMatch(AbstractAutoServiceRegistration::isRunning);
	}

	@SuppressWarnings({ "rawtypes", "unchecked" })
	private void reregister(Registration registration) {
		for (ServiceRegistry registry : this.beans.getBeansOfType(ServiceRegistry.class, false, false).values()) {
			Class<?> accepted = ResolvableType.forClass(ServiceRegistry.class, registry.getClass())
				.getGeneric(0)
				.resolve(Object.class);
			if (accepted.isInstance(registration)) {
				try {
					registry.register(registration);
				}
				catch (ClassCastException ex) {
					// A registry whose type could not be read (a proxy) of another
					// engine.
				}
			}
		}
	}

}
