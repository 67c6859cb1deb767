package dev.phanes.dashboard;

import java.net.URI;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The environment as discovery and the instances' Actuator endpoints describe it: the
 * services, each instance's health, version, uptime and metadata, and the endpoint
 * catalog of each service. Reads over HTTP on each call, every instance at once, each
 * read bounded by a timeout: an instance that does not answer is shown as such, never
 * waited for. Thread-safe.
 * <p>
 * An instance's Actuator is found the way Spring Boot Admin finds it: at the
 * {@code management.*} metadata it publishes (scheme, address, port, context path), or at
 * {@code /actuator} on its own address.
 */
public class ServiceDirectory {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private final ReactiveDiscoveryClient discovery;

	private final WebClient client;

	private final Duration timeout;

	/**
	 * Create a directory.
	 * @param discovery where services and instances are found
	 * @param client the client for the instances' Actuator endpoints (not load-balanced)
	 * @param timeout the longest wait for one instance's answer
	 */
	public ServiceDirectory(ReactiveDiscoveryClient discovery, WebClient client, Duration timeout) {
		this.discovery = discovery;
		this.client = client;
		this.timeout = timeout;
	}

	/**
	 * The services discovery knows, sorted, with their instances described.
	 * @return the services
	 */
	public Mono<List<ServiceView>> services() {
		return this.discovery.getServices()
			.distinct()
			.sort()
			.flatMapSequential((service) -> instances(service).map((instances) -> new ServiceView(service, instances)))
			.collectList();
	}

	/**
	 * One service's instances, described.
	 * @param service the service
	 * @return its instances, sorted by id; empty if discovery knows none
	 */
	public Mono<List<InstanceView>> instances(String service) {
		return this.discovery.getInstances(service)
			.flatMap(this::describe)
			.collectSortedList(Comparator.comparing(InstanceView::instanceId));
	}

	/**
	 * The catalogs of every service: for each, the {@code catalog} endpoint of its first
	 * instance that answers (instances of one service serve the same code).
	 * @return the catalogs by service, sorted; a service none of whose instances exposes
	 * the endpoint maps to {@code null}
	 */
	public Mono<Map<String, @Nullable Object>> catalogs() {
		return this.discovery.getServices()
			.distinct()
			.sort()
			.concatMap((service) -> catalog(service).map((catalog) -> Map.entry(service, catalog))
				.defaultIfEmpty(Map.entry(service, Map.of())))
			.collectList()
			.map((entries) -> {
				Map<String, @Nullable Object> catalogs = new LinkedHashMap<>();
				entries.forEach(
						(entry) -> catalogs.put(entry.getKey(), entry.getValue().isEmpty() ? null : entry.getValue()));
				return catalogs;
			});
	}

	/**
	 * The catalog of one service, from the first of its instances that answers.
	 * @param service the service
	 * @return the catalog, or empty if no instance exposes it
	 */
	public Mono<Map<String, Object>> catalog(String service) {
		return this.discovery.getInstances(service)
			.concatMap((instance) -> read(instance, "catalog", Map.of()).onErrorResume((ex) -> Mono.empty()))
			.next();
	}

	/**
	 * Find an instance by its id.
	 * @param instanceId the instance id
	 * @return the instance, or empty if discovery does not know it
	 */
	public Mono<ServiceInstance> instance(String instanceId) {
		return this.discovery.getServices()
			.distinct()
			.concatMap(this.discovery::getInstances)
			.filter((instance) -> instanceId.equals(instance.getInstanceId()))
			.next();
	}

	/**
	 * Read one of an instance's Actuator endpoints as JSON.
	 * @param instance the instance
	 * @param endpoint the endpoint's path under the management base path, such as
	 * {@code health} or {@code traces/<id>}
	 * @param query query parameters
	 * @return the endpoint's answer; an error if the instance did not answer 2xx in time
	 */
	public Mono<Map<String, Object>> read(ServiceInstance instance, String endpoint, Map<String, String> query) {
		// deferred: an instance whose address makes no URI fails its own read only
		return Mono.defer(() -> {
			UriComponentsBuilder uri = UriComponentsBuilder.fromUri(management(instance)).path("/" + endpoint);
			query.forEach(uri::queryParam);
			return this.client.get()
				.uri(uri.encode().build().toUri())
				.accept(MediaType.APPLICATION_JSON,
						MediaType.parseMediaType("application/vnd.spring-boot.actuator.v3+json"))
				.retrieve()
				.bodyToMono(JSON_OBJECT)
				.timeout(this.timeout);
		});
	}

	/**
	 * The base URI of an instance's Actuator endpoints.
	 * @param instance the instance
	 * @return the URI, such as {@code http://10.0.0.5:8080/actuator}
	 */
	public static URI management(ServiceInstance instance) {
		Map<String, String> metadata = instance.getMetadata();
		String scheme = metadata.getOrDefault("management.scheme", instance.isSecure() ? "https" : "http");
		String host = metadata.getOrDefault("management.address", instance.getHost());
		int port = instance.getPort();
		String managementPort = metadata.get("management.port");
		if (managementPort != null) {
			try {
				port = Integer.parseInt(managementPort.trim());
			}
			catch (NumberFormatException ex) {
				// a malformed value: the instance's own port, as Spring Boot Admin does
			}
		}
		String path = metadata.getOrDefault("management.context-path", "/actuator");
		return UriComponentsBuilder.newInstance()
			.scheme(scheme)
			.host(host)
			.port(port)
			.path(path.startsWith("/") ? path : "/" + path)
			.build()
			.toUri();
	}

	private Mono<InstanceView> describe(ServiceInstance instance) {
		Mono<String> health = read(instance, "health", Map.of())
			.map((answer) -> String.valueOf(answer.getOrDefault("status", "UNKNOWN")))
			.onErrorResume((ex) -> Mono.just("UNREACHABLE"));
		Mono<String> version = Mono.justOrEmpty(instance.getMetadata().get("version"))
			.switchIfEmpty(read(instance, "info", Map.of()).mapNotNull(ServiceDirectory::buildVersion))
			.onErrorResume((ex) -> Mono.empty())
			.defaultIfEmpty("");
		Mono<Double> uptime = read(instance, "metrics/process.uptime", Map.of())
			.mapNotNull(ServiceDirectory::firstMeasurement)
			.onErrorResume((ex) -> Mono.empty())
			.defaultIfEmpty(-1.0);
		String managementUri;
		try {
			managementUri = management(instance).toString();
		}
		catch (RuntimeException ex) {
			managementUri = "";
		}
		String management = managementUri;
		return Mono.zip(health, version, uptime)
			.map((read) -> new InstanceView(Objects.requireNonNullElse(instance.getInstanceId(), ""),
					instance.getServiceId(), instance.getHost(), instance.getPort(), read.getT1(),
					read.getT2().isEmpty() ? null : read.getT2(), (read.getT3() < 0) ? null : read.getT3(),
					new java.util.TreeMap<>(instance.getMetadata()), management));
	}

	private static @Nullable String buildVersion(Map<String, Object> info) {
		if (info.get("build") instanceof Map<?, ?> build && build.get("version") instanceof String version) {
			return version;
		}
		return null;
	}

	private static @Nullable Double firstMeasurement(Map<String, Object> metric) {
		if (metric.get("measurements") instanceof List<?> measurements && !measurements.isEmpty()
				&& measurements.get(0) instanceof Map<?, ?> first && first.get("value") instanceof Number value) {
			return value.doubleValue();
		}
		return null;
	}

	/**
	 * A service and its instances.
	 *
	 * @param service the service id
	 * @param instances its instances
	 */
	public record ServiceView(String service, List<InstanceView> instances) {

		/**
		 * Create a view, copying the instances.
		 */
		public ServiceView {
			instances = List.copyOf(instances);
		}

	}

	/**
	 * One instance as its Actuator describes it.
	 *
	 * @param instanceId the instance id
	 * @param service the service id
	 * @param host the host
	 * @param port the port
	 * @param health its health status, {@code UNREACHABLE} if it did not answer
	 * @param version its version (metadata {@code version} or {@code info}'s build
	 * version)
	 * @param uptimeSeconds its uptime, if its {@code metrics} endpoint is exposed
	 * @param metadata its discovery metadata
	 * @param management the base URI of its Actuator endpoints
	 */
	public record InstanceView(String instanceId, String service, String host, int port, String health,
			@Nullable String version, @Nullable Double uptimeSeconds, Map<String, String> metadata, String management) {

	}

}
