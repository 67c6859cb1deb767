package dev.phanes.gateway;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycleValidator;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.cloud.client.loadbalancer.RetryableRequestContext;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Chooses the instance of a service-route request with the service's load balancer
 * (Phanes' hashed balancer unless the application configured another), and points the
 * request at it. On a retry the balancer is told the instance the attempt before used (a
 * {@link RetryableRequestContext}), so that Spring Cloud LoadBalancer's retry-aware
 * supplier leaves it out even for a request whose hash key chose it; the balancer's
 * lifecycles hear how every attempt ended, which is what outlier ejection counts. Runs
 * just before Spring Cloud Gateway's own load-balancer filter, which then has nothing
 * left to do for this route.
 * <p>
 * A service that discovery does not know is a 404, decided before the balancer is asked;
 * a known one without an instance to choose, a 503. The lifecycles and hint of a service
 * are looked up once.
 */
@SuppressWarnings({ "rawtypes", "unchecked" })
class ServiceLoadBalancerFilter implements GlobalFilter, Ordered {

	private final LoadBalancerClientFactory clients;

	private final ReactiveDiscoveryClient discovery;

	private final Map<String, Set<LoadBalancerLifecycle>> lifecycles = new ConcurrentHashMap<>();

	private final Map<String, String> hints = new ConcurrentHashMap<>();

	ServiceLoadBalancerFilter(LoadBalancerClientFactory clients, ReactiveDiscoveryClient discovery) {
		this.clients = clients;
		this.discovery = discovery;
	}

	@Override
	public int getOrder() {
		return ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER - 1;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		ServicePath path = exchange.getAttribute(ServicePathFilter.SERVICE_PATH_ATTRIBUTE);
		if (path == null) {
			return chain.filter(exchange);
		}
		String service = path.service();
		// Discovery first: a name it does not know must not create a load-balancer
		// context (one per name, kept for good) nor meters.
		return this.discovery.getInstances(service).hasElements().flatMap((known) -> {
			if (!known) {
				return Mono.error(new ServiceRoutingException(HttpStatus.NOT_FOUND,
						"No service named '" + service + "' is known to discovery."));
			}
			return route(exchange, chain, path);
		});
	}

	private Mono<Void> route(ServerWebExchange exchange, GatewayFilterChain chain, ServicePath path) {
		String service = path.service();
		ReactorServiceInstanceLoadBalancer balancer = this.clients.getInstance(service,
				ReactorServiceInstanceLoadBalancer.class);
		if (balancer == null) {
			return Mono.error(new ServiceRoutingException(HttpStatus.SERVICE_UNAVAILABLE,
					"No load balancer is available for service '" + service + "'."));
		}
		Set<LoadBalancerLifecycle> lifecycles = this.lifecycles.computeIfAbsent(service,
				(name) -> LoadBalancerLifecycleValidator.getSupportedLifecycleProcessors(
						this.clients.getInstances(name, LoadBalancerLifecycle.class), RequestDataContext.class,
						ResponseData.class, ServiceInstance.class));
		Response<ServiceInstance> previous = exchange
			.getAttribute(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR);
		RequestData data = logical(exchange, path);
		String hint = this.hints.computeIfAbsent(service, this::hint);
		RequestDataContext context = (previous != null && previous.hasServer())
				? new RetryableRequestContext(previous.getServer(), data, hint) : new RequestDataContext(data, hint);
		DefaultRequest<RequestDataContext> request = new DefaultRequest<>(context);
		lifecycles.forEach((lifecycle) -> lifecycle.onStart(request));
		return Mono.from(balancer.choose(request)).flatMap((response) -> {
			if (!response.hasServer()) {
				lifecycles.forEach((lifecycle) -> lifecycle
					.onComplete(new CompletionContext<>(CompletionContext.Status.DISCARD, request, response)));
				return Mono.error(new ServiceRoutingException(HttpStatus.SERVICE_UNAVAILABLE,
						"No instance of service '" + service + "' is available."));
			}
			URI target = target(response.getServer(), path, exchange.getRequest().getURI());
			// The URL before the service's name was stripped: X-Forwarded-Prefix tells
			// the service its /{service} prefix.
			ServerWebExchangeUtils.addOriginalRequestUrl(exchange, exchange.getRequest().getURI());
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, target);
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR, response);
			lifecycles.forEach((lifecycle) -> lifecycle.onStartRequest(request, response));
			AtomicBoolean completed = new AtomicBoolean();
			return chain.filter(exchange)
				.doOnError((failure) -> complete(completed, lifecycles,
						new CompletionContext<ResponseData, ServiceInstance, RequestDataContext>(
								CompletionContext.Status.FAILED, failure, request, response)))
				.doOnSuccess((done) -> complete(completed, lifecycles,
						new CompletionContext<ResponseData, ServiceInstance, RequestDataContext>(
								CompletionContext.Status.SUCCESS, request, response,
								new ResponseData(exchange.getResponse(),
										new RequestData(exchange.getRequest(), exchange.getAttributes())))))
				// a client that went away: the attempt ended, neither well nor badly
				// (outlier ejection ignores a cancellation), and gauges of active
				// requests come down
				.doOnCancel(() -> complete(completed, lifecycles,
						new CompletionContext<ResponseData, ServiceInstance, RequestDataContext>(
								CompletionContext.Status.FAILED, new CancellationException("The request was cancelled"),
								request, response)));
		});
	}

	@SuppressWarnings("rawtypes")
	private static void complete(AtomicBoolean completed, Set<LoadBalancerLifecycle> lifecycles,
			CompletionContext context) {
		if (completed.compareAndSet(false, true)) {
			lifecycles.forEach((lifecycle) -> lifecycle.onComplete(context));
		}
	}

	/**
	 * The request as the service sees it, {@code http://{service}{path}?{query}}: what
	 * the balancer's hash key resolution and Spring Cloud's meters read.
	 */
	private static RequestData logical(ServerWebExchange exchange, ServicePath path) {
		ServerHttpRequest request = exchange.getRequest();
		MultiValueMap<String, String> cookies = new LinkedMultiValueMap<>();
		request.getCookies()
			.forEach((name, values) -> values.forEach((cookie) -> cookies.add(name, cookie.getValue())));
		String query = request.getURI().getRawQuery();
		URI url = URI.create("http://" + path.service() + path.path() + ((query != null) ? "?" + query : ""));
		return new RequestData(request.getMethod(), url, request.getHeaders(), cookies, exchange.getAttributes());
	}

	/**
	 * The URI on the instance: its scheme, host and port, then the raw path and query as
	 * the client sent them (already accepted by {@link URI}, so never re-encoded or
	 * re-parsed).
	 */
	private static URI target(ServiceInstance instance, ServicePath path, URI request) {
		String origin = UriComponentsBuilder.newInstance()
			.scheme(instance.isSecure() ? "https" : "http")
			.host(instance.getHost())
			.port(instance.getPort())
			.build()
			.toUriString();
		String query = request.getRawQuery();
		return URI.create(origin + path.path() + ((query != null) ? "?" + query : ""));
	}

	private String hint(String service) {
		Map<String, String> hints = this.clients.getProperties(service).getHint();
		String hint = hints.get(service);
		return (hint != null) ? hint : hints.getOrDefault("default", "default");
	}

}
