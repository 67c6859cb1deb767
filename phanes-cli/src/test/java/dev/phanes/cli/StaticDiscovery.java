package dev.phanes.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.RequestData;

/**
 * A discovery with fixed instances, for the commands' tests: it chooses the instance a
 * key's hash points at, or the first one without a key, and remembers how it was opened.
 */
final class StaticDiscovery implements Discovery {

	private final Map<String, List<ServiceInstance>> services = new TreeMap<>();

	final List<Map<String, String>> openedWith = new ArrayList<>();

	final List<RequestData> chosenFor = new ArrayList<>();

	boolean closed;

	StaticDiscovery add(ServiceInstance instance) {
		this.services.computeIfAbsent(instance.getServiceId(), (id) -> new ArrayList<>()).add(instance);
		return this;
	}

	Discovery.Factory factory() {
		return (options, properties) -> {
			this.openedWith.add(new LinkedHashMap<>(properties));
			return this;
		};
	}

	@Override
	public String description() {
		return "mDNS on 127.0.0.1";
	}

	@Override
	public List<String> services() {
		return List.copyOf(this.services.keySet());
	}

	@Override
	public List<ServiceInstance> instances(String serviceId) {
		return this.services.getOrDefault(serviceId, List.of());
	}

	@Override
	public Optional<ServiceInstance> choose(String serviceId, RequestData request) {
		this.chosenFor.add(request);
		List<ServiceInstance> instances = instances(serviceId);
		if (instances.isEmpty()) {
			return Optional.empty();
		}
		String key = request.getHeaders().getFirst(hashHeader());
		return Optional.of(instances.get((key != null) ? Math.floorMod(key.hashCode(), instances.size()) : 0));
	}

	@Override
	public String hashHeader() {
		return PhanesDiscovery.DEFAULT_HASH_HEADER;
	}

	@Override
	public @Nullable String problem() {
		return null;
	}

	@Override
	public void close() {
		this.closed = true;
	}

}
