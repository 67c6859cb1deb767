package dev.phanes.gateway;

import io.micrometer.core.instrument.Tags;

import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.cloud.gateway.support.tagsprovider.GatewayTagsProvider;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tags Spring Cloud Gateway's request meters ({@code spring.cloud.gateway.requests}) with
 * the service a service-route request went to, so that each service gets its own series
 * though one route serves them all. Only a request that reached an instance is tagged
 * with its service, so the names come from discovery, of which there are few; others
 * (unknown services, refused paths, other routes) are tagged {@code none}.
 */
class ServiceTagsProvider implements GatewayTagsProvider {

	@Override
	public Tags apply(ServerWebExchange exchange) {
		ServicePath path = exchange.getAttribute(ServicePathFilter.SERVICE_PATH_ATTRIBUTE);
		boolean routed = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR) != null;
		return Tags.of("service", (path != null && routed) ? path.service() : "none");
	}

}
