package dev.phanes.discovery.etcd;

import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;

/**
 * A Spring Cloud {@link ReactiveDiscoveryClient} answering from the live etcd view,
 * without a network call.
 */
public class EtcdReactiveDiscoveryClient implements ReactiveDiscoveryClient {

	private final EtcdView view;

	private final int order;

	/**
	 * Create a client.
	 * @param view the view to answer from
	 * @param order the order among discovery clients
	 */
	public EtcdReactiveDiscoveryClient(EtcdView view, int order) {
		this.view = view;
		this.order = order;
	}

	@Override
	public String description() {
		return "Phanes etcd reactive discovery client";
	}

	@Override
	public Flux<ServiceInstance> getInstances(String serviceId) {
		return Flux.defer(() -> Flux.fromIterable(this.view.instances(serviceId)));
	}

	@Override
	public Flux<String> getServices() {
		return Flux.defer(() -> Flux.fromIterable(this.view.services()));
	}

	@Override
	public int getOrder() {
		return this.order;
	}

}
