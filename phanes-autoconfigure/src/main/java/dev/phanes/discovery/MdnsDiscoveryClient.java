package dev.phanes.discovery;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * A Spring Cloud {@link DiscoveryClient} answering from the live mDNS view. The first
 * lookup of a service nobody browsed yet waits up to the first lookup timeout for its
 * instances to answer; every other call answers from memory.
 */
public class MdnsDiscoveryClient implements DiscoveryClient {

	private final MdnsView view;

	private final MdnsTransport transport;

	private final int order;

	/**
	 * Create a client.
	 * @param view the view to answer from
	 * @param transport the engine behind the view, for {@link #probe()}
	 * @param order the order among discovery clients
	 */
	public MdnsDiscoveryClient(MdnsView view, MdnsTransport transport, int order) {
		this.view = view;
		this.transport = transport;
		this.order = order;
	}

	@Override
	public String description() {
		return "Phanes mDNS discovery client";
	}

	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		String id = serviceId.toLowerCase(Locale.ROOT);
		if (!DnsSd.isServiceId(id)) {
			return List.of();
		}
		CompletableFuture<Void> firstLookup = this.view.browse(id);
		List<MdnsServiceInstance> instances = this.view.instances(id);
		if (instances.isEmpty() && !firstLookup.isDone()) {
			firstLookup.join();
			instances = this.view.instances(id);
		}
		return List.copyOf(instances);
	}

	@Override
	public List<String> getServices() {
		return this.view.services();
	}

	@Override
	public void probe() {
		if (!this.transport.isOpen()) {
			throw new IllegalStateException(
					"mDNS socket on " + this.transport.address().getHostAddress() + " is closed");
		}
	}

	@Override
	public int getOrder() {
		return this.order;
	}

}
