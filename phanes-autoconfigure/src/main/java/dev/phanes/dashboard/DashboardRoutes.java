package dev.phanes.dashboard;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The dashboard's routes under its path: the page and its assets, a JSON API the page
 * reads (services and instances, one instance's Actuator endpoints, a service's merged
 * log tail as Server-Sent Events, "call it") and the environment catalog. Every read is a
 * {@code GET}; the only other route, the call, is refused unless calls are on. The
 * instance routes reach only instances discovery knows, and only the Actuator endpoints
 * listed in {@link #ENDPOINTS}.
 */
final class DashboardRoutes {

	/**
	 * The Actuator endpoints the page may read from an instance.
	 */
	static final Set<String> ENDPOINTS = Set.of("health", "info", "catalog", "traces", "logs", "sync", "auth",
			"configprops", "outliers", "metrics");

	private static final Set<String> ASSETS = Set.of("dashboard.js", "dashboard.css");

	private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> LOG_EVENTS = new ParameterizedTypeReference<>() {
	};

	private final ServiceDirectory directory;

	private final ReactiveDiscoveryClient discovery;

	private final WebClient client;

	private final DashboardCalls calls;

	private final DashboardProperties properties;

	private final Map<String, Object> settings;

	private final Mono<Void> closed;

	DashboardRoutes(ServiceDirectory directory, ReactiveDiscoveryClient discovery, WebClient client,
			DashboardCalls calls, DashboardProperties properties, Map<String, Object> settings, Mono<Void> closed) {
		this.closed = closed;
		this.directory = directory;
		this.discovery = discovery;
		this.client = client;
		this.calls = calls;
		this.properties = properties;
		this.settings = Map.copyOf(settings);
	}

	/**
	 * The environment catalog: every service's endpoints in one JSON document.
	 * @param path the dashboard's path
	 * @param directory where the catalogs are read
	 * @return its route
	 */
	static RouterFunction<ServerResponse> catalog(String path, ServiceDirectory directory) {
		return RouterFunctions.route().GET(base(path) + "/catalog", (request) -> handle(directory.catalogs())).build();
	}

	/**
	 * The page, its assets and its API.
	 * @return the routes
	 */
	RouterFunction<ServerResponse> page() {
		String base = base(this.properties.getPath());
		return RouterFunctions.route()
			.GET(base, (request) -> ServerResponse.temporaryRedirect(java.net.URI.create(base + "/")).build())
			.GET(base + "/", (request) -> resource("index.html", MediaType.TEXT_HTML))
			.GET(base + "/assets/{name}", this::asset)
			.GET(base + "/api/settings", (request) -> ServerResponse.ok().bodyValue(this.settings))
			.GET(base + "/api/services", (request) -> handle(this.directory.services()))
			.GET(base + "/api/services/{service}/catalog", (request) -> handle(this.directory
				.catalog(request.pathVariable("service"))
				.switchIfEmpty(Mono.error(new DashboardException(404,
						"No instance of '" + request.pathVariable("service") + "' exposes the catalog endpoint.")))))
			.GET(base + "/api/instances/{instanceId}/{*endpoint}", this::instanceEndpoint)
			.GET(base + "/api/logs/stream", this::logStream)
			.POST(base + "/api/call",
					(request) -> handle(request.bodyToMono(DashboardCalls.CallRequest.class)
						.switchIfEmpty(Mono.error(new DashboardException(400, "A call needs a JSON body.")))
						.flatMap((call) -> Mono.defer(() -> this.calls.call(call)))))
			.build();
	}

	private static String base(String path) {
		return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
	}

	private Mono<ServerResponse> asset(ServerRequest request) {
		String name = request.pathVariable("name");
		if (!ASSETS.contains(name)) {
			return ServerResponse.notFound().build();
		}
		return resource(name, name.endsWith(".js") ? MediaType.parseMediaType("text/javascript")
				: MediaType.parseMediaType("text/css"));
	}

	private static Mono<ServerResponse> resource(String name, MediaType type) {
		Resource resource = new ClassPathResource("dev/phanes/dashboard/static/" + name);
		return ServerResponse.ok()
			.contentType(type)
			.header("Cache-Control", "no-cache")
			.header("Content-Security-Policy",
					"default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
			.header("X-Content-Type-Options", "nosniff")
			.bodyValue(resource);
	}

	private Mono<ServerResponse> instanceEndpoint(ServerRequest request) {
		String rest = request.pathVariable("endpoint");
		String endpoint = rest.startsWith("/") ? rest.substring(1) : rest;
		String name = endpoint.contains("/") ? endpoint.substring(0, endpoint.indexOf('/')) : endpoint;
		if (!ENDPOINTS.contains(name) || endpoint.contains("..") || endpoint.contains("//")) {
			return problem(new DashboardException(404,
					"The dashboard reads only the endpoints " + ENDPOINTS.stream().sorted().toList() + "."));
		}
		Map<String, String> query = new LinkedHashMap<>();
		request.queryParams().forEach((key, values) -> query.put(key, values.get(0)));
		return handle(this.directory.instance(request.pathVariable("instanceId"))
			.switchIfEmpty(Mono.error(new DashboardException(404,
					"Discovery knows no instance '" + request.pathVariable("instanceId") + "'.")))
			.flatMap((instance) -> this.directory.read(instance, endpoint, query)));
	}

	private Mono<ServerResponse> logStream(ServerRequest request) {
		String service = request.queryParam("service").orElse("");
		String level = request.queryParam("level").orElse(null);
		Flux<ServerSentEvent<Map<String, Object>>> entries = this.discovery.getInstances(service)
			.flatMap((instance) -> Flux.defer(() -> tail(instance, level))
				.onErrorResume((ex) -> Flux.just(unavailable(instance, ex))));
		Flux<ServerSentEvent<Map<String, Object>>> keepAlive = Flux.interval(Duration.ofSeconds(15))
			.map((tick) -> ServerSentEvent.<Map<String, Object>>builder().comment("keep-alive").build());
		ServerSentEvent<Map<String, Object>> opened = ServerSentEvent.<Map<String, Object>>builder()
			.event("open")
			.data(Map.of("service", service))
			.build();
		// ends when the application closes: an open stream would hold its graceful
		// shutdown
		return ServerResponse.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.body(Flux.concat(Flux.just(opened), Flux.merge(entries, keepAlive)).takeUntilOther(this.closed),
					LOG_EVENTS);
	}

	private Flux<ServerSentEvent<Map<String, Object>>> tail(ServiceInstance instance,
			@org.jspecify.annotations.Nullable String level) {
		UriComponentsBuilder uri = UriComponentsBuilder.fromUri(ServiceDirectory.management(instance))
			.path("/logs/stream");
		if (level != null) {
			uri.queryParam("level", level);
		}
		return this.client.get()
			.uri(uri.encode().build().toUri())
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(LOG_EVENTS)
			.filter((event) -> event.data() != null)
			.map((event) -> {
				Map<String, Object> entry = new LinkedHashMap<>(event.data());
				entry.put("instance", instance.getInstanceId());
				return ServerSentEvent.<Map<String, Object>>builder().event("log").data(entry).build();
			});
	}

	private static ServerSentEvent<Map<String, Object>> unavailable(ServiceInstance instance, Throwable ex) {
		return ServerSentEvent.<Map<String, Object>>builder()
			.event("unavailable")
			.data(Map.of("instance", String.valueOf(instance.getInstanceId()), "reason", reason(ex)))
			.build();
	}

	private static String reason(Throwable ex) {
		if (ex instanceof WebClientResponseException response) {
			return "answered " + response.getStatusCode().value()
					+ " (is the logs endpoint exposed? management.endpoints.web.exposure.include)";
		}
		return "unreachable: " + ex.getClass().getSimpleName();
	}

	private static Mono<ServerResponse> handle(Mono<?> body) {
		return body.flatMap((value) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(value))
			.onErrorResume(DashboardRoutes::problem);
	}

	private static Mono<ServerResponse> problem(Throwable ex) {
		ProblemDetail problem;
		if (ex instanceof DashboardException refused) {
			problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(refused.getStatus()), refused.getMessage());
		}
		else if (ex instanceof WebClientResponseException response) {
			problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY,
					"The instance answered " + response.getStatusCode().value()
							+ "; is the endpoint exposed (management.endpoints.web.exposure.include)?");
		}
		else if (ex instanceof TimeoutException) {
			problem = ProblemDetail.forStatusAndDetail(HttpStatus.GATEWAY_TIMEOUT,
					"The instance did not answer in time.");
		}
		else if (ex instanceof IllegalArgumentException) {
			problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
		else {
			problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY,
					"The instance could not be read: " + ex.getClass().getSimpleName() + ".");
		}
		return ServerResponse.status(problem.getStatus())
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyValue(problem);
	}

	static List<String> endpoints() {
		return ENDPOINTS.stream().sorted().toList();
	}

}
