package dev.phanes.loadbalancer;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.loadbalancer.Request;

/**
 * Finds the key of a load-balanced request that decides its instance: requests with the
 * same key go to the same instance. Without a key the choice is random.
 */
@FunctionalInterface
public interface HashKeyResolver {

	/**
	 * Resolve the key of a request.
	 * @param request the load-balancer request
	 * @return the key, or {@code null} for a random choice
	 */
	@Nullable String resolve(Request<?> request);

}
