package dev.phanes.loadbalancer;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.cache.Cache;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.loadbalancer.cache.LoadBalancerCacheManager;
import org.springframework.cloud.loadbalancer.core.CachingServiceInstanceListSupplier;
import org.springframework.context.ApplicationListener;

/**
 * Clears Spring Cloud LoadBalancer's cache of instance lists whenever discovery reports a
 * change with a {@link HeartbeatEvent}, so the next choice sees the new instances at once
 * instead of after the cache's time to live (35 s by default). Nothing in Spring Cloud
 * LoadBalancer listens to these events itself (spring-cloud-commons issue 1215).
 */
public class DiscoveryChangeCacheEvictor implements ApplicationListener<HeartbeatEvent> {

	private final ListableBeanFactory beanFactory;

	/**
	 * Create an evictor.
	 * @param beanFactory where to find the load balancer's cache manager, if caching is
	 * on (Spring Cloud LoadBalancer caches only with {@code spring-boot-cache} on the
	 * class path, and registers its manager as no autowiring candidate, so that it never
	 * competes with the application's own)
	 */
	public DiscoveryChangeCacheEvictor(ListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void onApplicationEvent(HeartbeatEvent event) {
		for (LoadBalancerCacheManager manager : this.beanFactory.getBeansOfType(LoadBalancerCacheManager.class)
			.values()) {
			Cache cache = manager.getCache(CachingServiceInstanceListSupplier.SERVICE_INSTANCE_CACHE_NAME);
			if (cache != null) {
				cache.clear();
			}
		}
	}

}
