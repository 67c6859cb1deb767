package dev.phanes.sample.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What this instance's discovery sees: every service on the network and its instances,
 * answered from the live mDNS view.
 */
@RestController
class DiscoveryController {

	private final ReactiveDiscoveryClient discovery;

	DiscoveryController(ReactiveDiscoveryClient discovery) {
		this.discovery = discovery;
	}

	@GetMapping("/discovery")
	Mono<Map<String, List<Instance>>> services() {
		return this.discovery.getServices()
			.sort()
			.concatMap((serviceId) -> this.discovery.getInstances(serviceId)
				.map(Instance::of)
				.collectList()
				.map((instances) -> Map.entry(serviceId, instances)))
			.collect(LinkedHashMap::new, (services, entry) -> services.put(entry.getKey(), entry.getValue()));
	}

	/**
	 * One instance of a service.
	 *
	 * @param instanceId the instance id
	 * @param uri where to call it
	 * @param metadata what it published
	 */
	record Instance(String instanceId, String uri, Map<String, String> metadata) {

		static Instance of(ServiceInstance instance) {
			return new Instance(instance.getInstanceId(), instance.getUri().toString(), instance.getMetadata());
		}

	}

}
