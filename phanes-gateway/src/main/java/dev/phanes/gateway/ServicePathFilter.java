package dev.phanes.gateway;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ServerWebExchange;

/**
 * The first filter of the service route: splits the request path into the service and its
 * path ({@link ServicePath}, kept as an exchange attribute for the filters after it) and
 * answers what the route refuses or cannot route ({@link ServiceRoutingException}) with
 * an {@code application/problem+json} problem detail. Other routes pass untouched.
 */
class ServicePathFilter implements GlobalFilter, Ordered {

	/**
	 * The exchange attribute holding the request's {@link ServicePath}.
	 */
	static final String SERVICE_PATH_ATTRIBUTE = ServicePathFilter.class.getName() + ".servicePath";

	private final ServerResponse.Context context;

	ServicePathFilter(ServerCodecConfigurer codecs) {
		List<HttpMessageWriter<?>> writers = codecs.getWriters();
		this.context = new ServerResponse.Context() {

			@Override
			public List<HttpMessageWriter<?>> messageWriters() {
				return writers;
			}

			@Override
			public List<ViewResolver> viewResolvers() {
				return List.of();
			}

		};
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		if (route == null || !PhanesGatewayAutoConfiguration.ROUTE_ID.equals(route.getId())) {
			return chain.filter(exchange);
		}
		try {
			ServicePath path = ServicePath.parse(exchange.getRequest().getURI().getRawPath());
			exchange.getAttributes().put(SERVICE_PATH_ATTRIBUTE, path);
		}
		catch (ServiceRoutingException ex) {
			return problem(exchange, ex);
		}
		return chain.filter(exchange).onErrorResume(ServiceRoutingException.class, (ex) -> problem(exchange, ex));
	}

	private Mono<Void> problem(ServerWebExchange exchange, ServiceRoutingException ex) {
		if (exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(ex.getStatus(), ex.getMessage());
		return ServerResponse.status(ex.getStatus())
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyValue(problem)
			.flatMap((response) -> response.writeTo(exchange, this.context));
	}

}
