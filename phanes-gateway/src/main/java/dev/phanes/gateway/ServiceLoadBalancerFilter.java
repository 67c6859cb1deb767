package dev.phanes.gateway;

import java.net.URI;
import java.util.Map;
import java.util.Set;

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
 * A service that discovery does not know is a 404; a known one without an instance to
 * choose, a 503.
 */
@SuppressWarnings({ "rawtypes", "unchecked" })
class ServiceLoadBalancerFilter implements GlobalFilter, Ordered {

	private final LoadBalancerClientFactory clients;

	private final ReactiveDiscoveryClient discovery;

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
		ReactorServiceInstanceLoadBalancer balancer = this.clients.getInstance(service,
				ReactorServiceInstanceLoadBalancer.class);
		if (balancer == null) {
			return Mono.error(new ServiceRoutingException(HttpStatus.SERVICE_UNAVAILABLE,
					"No load balancer is available for service '" + service + "'."));
		}
		Set<LoadBalancerLifecycle> lifecycles = LoadBalancerLifecycleValidator.getSupportedLifecycleProcessors(
				this.clients.getInstances(service, LoadBalancerLifecycle.class), RequestDataContext.class,
				ResponseData.class, ServiceInstance.class);
		Response<ServiceInstance> previous = exchange
			.getAttribute(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR);
		RequestData data = new RequestData(exchange.getRequest(), exchange.getAttributes());
		String hint = hint(service);
		RequestDataContext context = (previous != null && previous.hasServer())
				? new RetryableRequestContext(previous.getServer(), data, hint) : new RequestDataContext(data, hint);
		DefaultRequest<RequestDataContext> request = new DefaultRequest<>(context);
		lifecycles.forEach((lifecycle) -> lifecycle.onStart(request));
		return balancer.choose(request).flatMap((response) -> {
			if (!response.hasServer()) {
				lifecycles.forEach((lifecycle) -> lifecycle
					.onComplete(new CompletionContext<>(CompletionContext.Status.DISCARD, request, response)));
				return noInstance(service);
			}
			URI target = target(response.getServer(), path, exchange.getRequest().getURI());
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, target);
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR, response);
			lifecycles.forEach((lifecycle) -> lifecycle.onStartRequest(request, response));
			return chain.filter(exchange)
				.doOnError((failure) -> lifecycles.forEach((lifecycle) -> lifecycle
					.onComplete(new CompletionContext<ResponseData, ServiceInstance, RequestDataContext>(
							CompletionContext.Status.FAILED, failure, request, response))))
				.doOnSuccess((done) -> lifecycles.forEach((lifecycle) -> lifecycle
					.onComplete(new CompletionContext<ResponseData, ServiceInstance, RequestDataContext>(
							CompletionContext.Status.SUCCESS, request, response,
							new ResponseData(exchange.getResponse(),
									new RequestData(exchange.getRequest(), exchange.getAttributes()))))));
		});
	}

	private Mono<Void> noInstance(String service) {
		return this.discovery.getInstances(service).hasElements().flatMap((known) -> {
			if (known) {
				return Mono.error(new ServiceRoutingException(HttpStatus.SERVICE_UNAVAILABLE,
						"No instance of service '" + service + "' is available."));
			}
			return Mono.error(new ServiceRoutingException(HttpStatus.NOT_FOUND,
					"No service named '" + service + "' is known to discovery."));
		});
	}

	private static URI target(ServiceInstance instance, ServicePath path, URI request) {
		return UriComponentsBuilder.newInstance()
			.scheme(instance.isSecure() ? "https" : "http")
			.host(instance.getHost())
			.port(instance.getPort())
			.path(path.path())
			.query(request.getRawQuery())
			.build(true)
			.toUri();
	}

	private String hint(String service) {
		Map<String, String> hints = this.clients.getProperties(service).getHint();
		String hint = hints.get(service);
		return (hint != null) ? hint : hints.getOrDefault("default", "default");
	}

}
