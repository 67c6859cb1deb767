package dev.phanes.discovery.etcd;

import java.util.List;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * A Spring Cloud {@link DiscoveryClient} answering from the live etcd view, without a
 * network call.
 */
public class EtcdDiscoveryClient implements DiscoveryClient {

	private final EtcdView view;

	private final int order;

	/**
	 * Create a client.
	 * @param view the view to answer from
	 * @param order the order among discovery clients
	 */
	public EtcdDiscoveryClient(EtcdView view, int order) {
		this.view = view;
		this.order = order;
	}

	@Override
	public String description() {
		return "Phanes etcd discovery client";
	}

	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		return List.copyOf(this.view.instances(serviceId));
	}

	@Override
	public List<String> getServices() {
		return this.view.services();
	}

	@Override
	public int getOrder() {
		return this.order;
	}

}
