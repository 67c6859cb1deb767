package dev.phanes.dashboard;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * "Call it": one request to a service, sent to the instance the service's load balancer
 * chooses for the given hash key (the same choice a {@code @LoadBalanced} client or the
 * gateway would make), with a new W3C trace context so that the trace it produced can be
 * found in that instance's trace collector. Only the configured methods are allowed.
 */
class DashboardCalls {

	/**
	 * The most bytes of an answer's body kept for the page.
	 */
	static final int MAX_BODY = 64 * 1024;

	private final ReactiveLoadBalancer.@Nullable Factory<ServiceInstance> balancers;

	private final WebClient client;

	private final DashboardProperties.Call properties;

	private final @Nullable String keyHeader;

	DashboardCalls(ReactiveLoadBalancer.@Nullable Factory<ServiceInstance> balancers, WebClient client,
			DashboardProperties.Call properties, @Nullable String keyHeader) {
		this.balancers = balancers;
		this.client = client;
		this.properties = properties;
		this.keyHeader = keyHeader;
	}

	/**
	 * Call a service.
	 * @param call what to call
	 * @return the outcome
	 * @throws DashboardException if calls are off, the method is not allowed or the path
	 * is not a path
	 */
	Mono<CallResult> call(CallRequest call) {
		if (!this.properties.isEnabled()) {
			throw new DashboardException(403, "Calls from the dashboard are off (phanes.dashboard.call.enabled).");
		}
		HttpMethod method = HttpMethod.valueOf(call.method().toUpperCase(java.util.Locale.ROOT));
		if (!this.properties.getMethods().contains(method)) {
			throw new DashboardException(403, "The dashboard may not call with " + method
					+ " (phanes.dashboard.call.methods: " + this.properties.getMethods() + ").");
		}
		if (!call.path().startsWith("/") || call.path().startsWith("//")) {
			throw new DashboardException(400, "The path must start with a single /.");
		}
		HttpHeaders headers = new HttpHeaders();
		if (this.keyHeader != null && call.key() != null && !call.key().isEmpty()) {
			headers.set(this.keyHeader, call.key());
		}
		URI logical = URI.create("http://" + call.service() + call.path());
		RequestData data = new RequestData(method, logical, headers, new LinkedMultiValueMap<>(), Map.of());
		ReactiveLoadBalancer<ServiceInstance> balancer = (this.balancers != null)
				? this.balancers.getInstance(call.service()) : null;
		if (balancer == null) {
			throw new DashboardException(404, "No load balancer for service '" + call.service() + "'.");
		}
		return Mono.from(balancer.choose(new DefaultRequest<>(new RequestDataContext(data, "default"))))
			.flatMap((response) -> {
				if (!response.hasServer()) {
					return Mono.error(new DashboardException(503,
							"No instance of service '" + call.service() + "' is available."));
				}
				return send(call, method, headers, response.getServer());
			});
	}

	private Mono<CallResult> send(CallRequest call, HttpMethod method, HttpHeaders headers, ServiceInstance instance) {
		String traceId = HexFormat.of().formatHex(randomBytes(16));
		String traceparent = "00-" + traceId + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01";
		URI target = UriComponentsBuilder.newInstance()
			.scheme(instance.isSecure() ? "https" : "http")
			.host(instance.getHost())
			.port(instance.getPort())
			.build()
			.toUri()
			.resolve(call.path());
		long start = System.nanoTime();
		WebClient.RequestBodySpec request = this.client.method(method)
			.uri(target)
			.headers((all) -> all.addAll(headers))
			.header("traceparent", traceparent);
		WebClient.RequestHeadersSpec<?> ready = (call.body() != null && !call.body().isEmpty())
				? request.header(HttpHeaders.CONTENT_TYPE, "application/json").bodyValue(call.body()) : request;
		return ready.exchangeToMono((response) -> DataBufferUtils
			.join(DataBufferUtils.takeUntilByteCount(response.bodyToFlux(DataBuffer.class), MAX_BODY), MAX_BODY * 2)
			.map((buffer) -> {
				int length = Math.min(buffer.readableByteCount(), MAX_BODY);
				byte[] bytes = new byte[length];
				buffer.read(bytes);
				DataBufferUtils.release(buffer);
				return new String(bytes, StandardCharsets.UTF_8);
			})
			.defaultIfEmpty("")
			.map((body) -> new CallResult(response.statusCode().value(), instance.getInstanceId(),
					instance.getHost() + ":" + instance.getPort(), traceId,
					Duration.ofNanos(System.nanoTime() - start).toMillis(),
					response.headers().contentType().map(Object::toString).orElse(null), body)))
			.timeout(this.properties.getTimeout());
	}

	private static byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		ThreadLocalRandom.current().nextBytes(bytes);
		return bytes;
	}

	/**
	 * A call the page asks for.
	 *
	 * @param service the service
	 * @param method the HTTP method
	 * @param path the path, with its query
	 * @param body a JSON body, if any
	 * @param key the hash key, if any
	 */
	record CallRequest(String service, String method, String path, @Nullable String body, @Nullable String key) {

	}

	/**
	 * What a call gave.
	 *
	 * @param status the answer's status
	 * @param instanceId the instance that answered
	 * @param address its host and port
	 * @param traceId the trace the call started
	 * @param millis how long it took
	 * @param contentType the answer's content type
	 * @param body the answer's body, at most {@value #MAX_BODY} bytes of it
	 */
	record CallResult(int status, @Nullable String instanceId, String address, String traceId, long millis,
			@Nullable String contentType, String body) {

	}

}
