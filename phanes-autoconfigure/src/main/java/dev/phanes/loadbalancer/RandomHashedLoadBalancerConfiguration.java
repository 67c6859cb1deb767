package dev.phanes.loadbalancer;

import java.time.Clock;
import java.util.Set;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The default configuration of every load-balancer client's context: a
 * {@link RandomHashedLoadBalancer}, unless the client's own configuration defines a
 * balancer. The instance-list supplier is left to Spring Cloud LoadBalancer's
 * configuration.
 */
@Configuration(proxyBeanMethods = false)
public class RandomHashedLoadBalancerConfiguration {

	@Bean
	@ConditionalOnMissingBean(ReactorLoadBalancer.class)
	ReactorLoadBalancer<ServiceInstance> randomHashedLoadBalancer(Environment environment,
			LoadBalancerClientFactory clients, PhanesLoadBalancerProperties properties,
			ObjectProvider<HashKeyResolver> keyResolver, ObjectProvider<LoadBalancerMetrics> metrics,
			ObjectProvider<ObservationRegistry> observations) {
		String serviceId = LoadBalancerClientFactory.getName(environment);
		PhanesLoadBalancerProperties.Hash hash = properties.getHash();
		HashKeyResolver keys = keyResolver.getIfAvailable(
				() -> new RequestDataHashKeyResolver(hash.getHeader(), hash.getCookie(), hash.getQueryParameter()));
		AvoidedInstances avoided = new AvoidedInstances(properties.getAvoid().getDuration(), Clock.systemUTC());
		Set<Integer> failures = properties.getAvoid().getDuration().isZero() ? Set.of()
				: properties.getAvoid().getStatuses();
		return new RandomHashedLoadBalancer(clients.getLazyProvider(serviceId, ServiceInstanceListSupplier.class),
				serviceId, keys, avoided, new ThreadLocalRandomGenerator(), failures,
				metrics.getIfAvailable(() -> LoadBalancerMetrics.NONE),
				observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

}
