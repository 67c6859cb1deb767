package dev.phanes.discovery;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

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
		return Flux.defer(() -> {
			String id = serviceId.toLowerCase(Locale.ROOT);
			if (!DnsSd.isServiceId(id)) {
				return Flux.empty();
			}
			CompletableFuture<Void> firstLookup = this.view.browse(id);
			List<MdnsServiceInstance> instances = this.view.instances(id);
			if (!instances.isEmpty() || firstLookup.isDone()) {
				return Flux.<ServiceInstance>fromIterable(instances);
			}
			return Mono.fromFuture(firstLookup, true)
				.thenMany(Flux.defer(() -> Flux.<ServiceInstance>fromIterable(this.view.instances(id))));
		});
	}

	@Override
	public Flux<String> getServices() {
		return Flux.defer(() -> Flux.fromIterable(this.view.services()));
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
