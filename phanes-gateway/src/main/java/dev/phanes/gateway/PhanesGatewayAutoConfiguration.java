package dev.phanes.gateway;

import java.util.List;

import dev.phanes.auth.AuthTargets;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.cloud.gateway.filter.factory.RetryGatewayFilterFactory;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerCodecConfigurer;

/**
 * The Phanes gateway: a Spring Cloud Gateway route, last in order, that sends
 * {@code /{service}/**} to an instance of {@code service} chosen by Phanes' load balancer
 * among those discovery knows at that moment (no route per service to refresh), with the
 * service's name stripped from the path; idempotent requests that fail are retried on
 * another instance. Routes the application defines come first. Off with
 * {@code phanes.gateway.enabled=false}.
 */
@AutoConfiguration(after = GatewayAutoConfiguration.class)
@ConditionalOnClass(RouteLocator.class)
@ConditionalOnWebApplication(type = Type.REACTIVE)
@ConditionalOnProperty(prefix = "phanes.gateway", name = "enabled", matchIfMissing = true)
@ConditionalOnBean({ RouteLocatorBuilder.class, LoadBalancerClientFactory.class, ReactiveDiscoveryClient.class })
@EnableConfigurationProperties(PhanesGatewayProperties.class)
public final class PhanesGatewayAutoConfiguration {

	/**
	 * The id of the service route.
	 */
	public static final String ROUTE_ID = "phanes-services";

	@Bean
	@ConditionalOnMissingBean(name = "phanesServiceRoutes")
	RouteLocator phanesServiceRoutes(RouteLocatorBuilder builder, RetryGatewayFilterFactory retryFactory,
			PhanesGatewayProperties properties) {
		PhanesGatewayProperties.Retry retry = properties.getRetry();
		return builder.routes()
			.route(ROUTE_ID, (route) -> route.order(Ordered.LOWEST_PRECEDENCE).path("/**").filters((filters) -> {
				if (retry.getRetries() > 0) {
					GatewayFilter retrying = retryFactory.apply((config) -> config.setRetries(retry.getRetries())
						.setMethods(retry.getMethods().toArray(HttpMethod[]::new))
						.setSeries()
						.setStatuses(retry.getStatuses().toArray(HttpStatus[]::new))
						.setBackoff(retry.getFirstBackoff(), retry.getMaxBackoff(), 2, false));
					// A request body can be read once: caching every upload of a
					// catch-all
					// route in memory to repeat it is not worth it, so requests with a
					// body are tried once.
					filters.filter((exchange, chain) -> hasBody(exchange.getRequest().getHeaders())
							? chain.filter(exchange) : retrying.filter(exchange, chain));
				}
				return filters;
			}).uri("http://phanes-service-route.invalid"))
			.build();
	}

	private static boolean hasBody(HttpHeaders headers) {
		return headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
	}

	@Bean
	ServicePathFilter phanesServicePathFilter(ServerCodecConfigurer codecs) {
		return new ServicePathFilter(codecs);
	}

	@Bean
	ServiceLoadBalancerFilter phanesServiceLoadBalancerFilter(LoadBalancerClientFactory clients,
			ReactiveDiscoveryClient discovery) {
		return new ServiceLoadBalancerFilter(clients, discovery);
	}

	/**
	 * With Phanes' auth block on, requests for a service are decided by that service's
	 * rules at the edge.
	 */
	@Bean
	@ConditionalOnProperty(prefix = "phanes.auth", name = "enabled")
	@ConditionalOnMissingBean(AuthTargets.class)
	ServiceAuthTargets phanesServiceAuthTargets(Environment environment) {
		return new ServiceAuthTargets(
				List.of(environment.getProperty("management.endpoints.web.base-path", "/actuator"),
						environment.getProperty("phanes.dashboard.path", "/phanes")));
	}

	@Bean
	@ConditionalOnClass(name = "io.micrometer.core.instrument.Tags")
	ServiceTagsProvider phanesServiceTagsProvider() {
		return new ServiceTagsProvider();
	}

}
