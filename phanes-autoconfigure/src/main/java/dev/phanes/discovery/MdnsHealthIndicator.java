package dev.phanes.discovery;

import java.net.NetworkInterface;
import java.util.List;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of mDNS discovery: up while the multicast socket is open, with the interface,
 * the record TTL and the size of the local view.
 */
public class MdnsHealthIndicator extends AbstractHealthIndicator {

	private final MdnsTransport transport;

	private final MdnsView view;

	private final MdnsServiceRegistry registry;

	/**
	 * Create the indicator.
	 * @param transport the engine
	 * @param view the local view
	 * @param registry the registry, for what this application publishes
	 */
	public MdnsHealthIndicator(MdnsTransport transport, MdnsView view, MdnsServiceRegistry registry) {
		super("mDNS health check failed");
		this.transport = transport;
		this.view = view;
		this.registry = registry;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<String> conflicts = this.registry.conflicts().stream().map(MdnsRegistration::toString).toList();
		builder.status((this.transport.isOpen() && conflicts.isEmpty()) ? "UP" : "DOWN");
		NetworkInterface networkInterface = this.transport.networkInterface();
		builder.withDetail("address", this.transport.address().getHostAddress())
			.withDetail("interface", (networkInterface != null) ? networkInterface.getName() : "unknown")
			.withDetail("hostName", this.transport.hostName())
			.withDetail("recordTtlSeconds", MdnsTransport.recordTtlSeconds())
			.withDetail("services", this.view.services().size())
			.withDetail("instances", this.view.instanceCount())
			.withDetail("ignored", this.view.ignoredCount())
			.withDetail("registered", this.registry.registeredNames())
			.withDetail("conflicts", conflicts);
	}

}
