package dev.phanes.discovery;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;

/**
 * A Spring Cloud {@link ReactiveDiscoveryClient} answering from the live mDNS view; the
 * first lookup of a service waits for its instances without blocking a thread.
 */
public class MdnsReactiveDiscoveryClient implements ReactiveDiscoveryClient {

	private final MdnsView view;

	private final MdnsTransport transport;

	private final int order;

	/**
	 * Create a client.
	 * @param view the view to answer from
	 * @param transport the engine behind the view, for {@link #probe()}
	 * @param order the order among discovery clients
	 */
	public MdnsReactiveDiscoveryClient(MdnsView view, MdnsTransport transport, int order) {
		this.view = view;
		this.transport = transport;
		this.order = order;
	}

	@Override
	public String description() {
		return "Phanes mDNS reactive discovery client";
	}

	@Override
	public Flux<ServiceInstance> getInstances(String serviceId) {
		return Mono.defer(() -> Mono.fromFuture(this.view.lookup(serviceId), true))
			.flatMapIterable((instances) -> instances);
	}

	@Override
	public Flux<String> getServices() {
		return Flux.defer(() -> Flux.fromIterable(this.view.services()));
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
