package dev.phanes.loadbalancer;

import java.time.Clock;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
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
 * balancer, and the avoidance of failed instances for whatever balancer the client has:
 * the client's {@link AvoidedInstances}, an {@link AvoidingLoadBalancerLifecycle} that
 * fills them and an {@link AvoidingServiceInstanceListSupplier} around the client's
 * instance-list supplier, which is otherwise left to Spring Cloud LoadBalancer's
 * configuration.
 */
@Configuration(proxyBeanMethods = false)
public class RandomHashedLoadBalancerConfiguration {

	@Bean
	@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
	AvoidedInstances avoidedInstances(Environment environment, PhanesLoadBalancerProperties properties,
			ObjectProvider<LoadBalancerMetrics> metrics) {
		AvoidedInstances avoided = new AvoidedInstances(properties.getAvoid().getDuration(), Clock.systemUTC());
		metrics.getIfAvailable(() -> LoadBalancerMetrics.NONE)
			.watch(LoadBalancerClientFactory.getName(environment), avoided);
		return avoided;
	}

	@Bean
	@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
	AvoidingLoadBalancerLifecycle avoidingLoadBalancerLifecycle(Environment environment,
			PhanesLoadBalancerProperties properties, AvoidedInstances avoided,
			ObjectProvider<LoadBalancerMetrics> metrics) {
		return new AvoidingLoadBalancerLifecycle(LoadBalancerClientFactory.getName(environment), avoided,
				properties.getAvoid().getStatuses(), metrics.getIfAvailable(() -> LoadBalancerMetrics.NONE));
	}

	@Bean
	static AvoidingServiceInstanceListSupplierPostProcessor avoidingServiceInstanceListSupplierPostProcessor(
			ObjectProvider<AvoidedInstances> avoided) {
		return new AvoidingServiceInstanceListSupplierPostProcessor(avoided);
	}

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
		return new RandomHashedLoadBalancer(clients.getLazyProvider(serviceId, ServiceInstanceListSupplier.class),
				serviceId, keys, new ThreadLocalRandomGenerator(),
				metrics.getIfAvailable(() -> LoadBalancerMetrics.NONE),
				observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

}
