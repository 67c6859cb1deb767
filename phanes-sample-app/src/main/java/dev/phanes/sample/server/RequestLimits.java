package dev.phanes.sample.server;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Bounds what one request may hold on the server: a body declared larger than the codecs
 * would read ({@code spring.codec.max-in-memory-size}) is refused at once with a 413
 * problem detail, before a byte of it is read, and a body that stops arriving is cut off
 * after {@code sample.server.body-read-timeout} instead of holding its connection open.
 */
@Configuration(proxyBeanMethods = false)
class RequestLimits {

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	WebFilter declaredBodySizeFilter(@Value("${spring.codec.max-in-memory-size:256KB}") DataSize limit,
			JsonMapper json) {
		return new DeclaredBodySizeFilter(limit.toBytes(), json);
	}

	@Bean
	NettyServerCustomizer bodyReadTimeout(@Value("${sample.server.body-read-timeout:10s}") Duration timeout) {
		return (server) -> server.readTimeout(timeout);
	}

	private record DeclaredBodySizeFilter(long limit, JsonMapper json) implements WebFilter {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			long declared = exchange.getRequest().getHeaders().getContentLength();
			if (declared <= this.limit) {
				return chain.filter(exchange);
			}
			Map<String, Object> problem = new LinkedHashMap<>();
			problem.put("type", "about:blank");
			problem.put("title", HttpStatus.CONTENT_TOO_LARGE.getReasonPhrase());
			problem.put("status", HttpStatus.CONTENT_TOO_LARGE.value());
			problem.put("detail",
					"The request body declares " + declared + " bytes; at most " + this.limit + " are accepted");
			problem.put("instance", exchange.getRequest().getPath().value());
			ServerHttpResponse response = exchange.getResponse();
			response.setStatusCode(HttpStatus.CONTENT_TOO_LARGE);
			response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
			// The unread body is not waited for: the server closes the connection.
			response.getHeaders().setConnection("close");
			return response.writeWith(
					Mono.fromSupplier(() -> response.bufferFactory().wrap(this.json.writeValueAsBytes(problem))));
		}

	}

}
