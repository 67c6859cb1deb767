package dev.phanes.discovery;

import java.util.List;

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
		return List.copyOf(this.view.lookup(serviceId).join());
	}

	@Override
	public List<String> getServices() {
		return this.view.services();
	}

	@Override
	public void probe() {
		this.transport.checkOpen();
	}

	@Override
	public int getOrder() {
		return this.order;
	}

}
