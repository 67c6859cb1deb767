package dev.phanes.auth;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Authenticates and authorizes every request to a WebFlux application before anything
 * else of the application sees it; the principal of an accepted token is the exchange
 * attribute {@link AuthPrincipal#ATTRIBUTE}. Runs after the observation filter and before
 * Spring Security's chain.
 */
public class AuthWebFilter implements WebFilter, Ordered {

	private final Authorizer authorizer;

	/**
	 * Create the filter.
	 * @param authorizer decides each request
	 */
	public AuthWebFilter(Authorizer authorizer) {
		this.authorizer = authorizer;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		String rawPath = request.getPath().pathWithinApplication().value();
		List<String> authorization = request.getHeaders().getOrEmpty(HttpHeaders.AUTHORIZATION);
		Authorizer.Outcome outcome = this.authorizer.authorize(request.getMethod().name(), rawPath, authorization);
		if (outcome.allowed()) {
			if (outcome.principal() != null) {
				exchange.getAttributes().put(AuthPrincipal.ATTRIBUTE, outcome.principal());
			}
			return chain.filter(exchange);
		}
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatus.valueOf(outcome.status()));
		if (outcome.status() == 401) {
			response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, AuthProblem.wwwAuthenticate(outcome));
		}
		response.getHeaders().setContentType(MediaType.parseMediaType(AuthProblem.CONTENT_TYPE));
		DataBuffer body = response.bufferFactory().wrap(AuthProblem.body(outcome, rawPath));
		return response.writeWith(Mono.just(body));
	}

	@Override
	public int getOrder() {
		return Authorizer.FILTER_ORDER;
	}

}
