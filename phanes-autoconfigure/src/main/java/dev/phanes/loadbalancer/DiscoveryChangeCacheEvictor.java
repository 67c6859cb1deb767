package dev.phanes.loadbalancer;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.loadbalancer.core.CachingServiceInstanceListSupplier;
import org.springframework.context.ApplicationListener;

/**
 * Clears Spring Cloud LoadBalancer's cache of instance lists whenever discovery reports a
 * change with a {@link HeartbeatEvent}, so the next choice sees the new instances at once
 * instead of after the cache's time to live (35 s by default). Nothing in Spring Cloud
 * LoadBalancer listens to these events itself (spring-cloud-commons issue 1215).
 */
public class DiscoveryChangeCacheEvictor implements ApplicationListener<HeartbeatEvent> {

	private final CacheManager cacheManager;

	/**
	 * Create an evictor.
	 * @param cacheManager the load balancer's cache manager
	 */
	public DiscoveryChangeCacheEvictor(CacheManager cacheManager) {
		this.cacheManager = cacheManager;
	}

	@Override
	public void onApplicationEvent(HeartbeatEvent event) {
		Cache cache = this.cacheManager.getCache(CachingServiceInstanceListSupplier.SERVICE_INSTANCE_CACHE_NAME);
		if (cache != null) {
			cache.clear();
		}
	}

}
