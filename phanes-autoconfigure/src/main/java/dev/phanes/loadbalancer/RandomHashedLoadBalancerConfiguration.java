package dev.phanes.loadbalancer;

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
 * balancer, and outlier ejection for whatever balancer the client has: the service's
 * {@link OutlierEjection} (shared with gRPC channels through {@link OutlierEjections}),
 * an {@link OutlierEjectionLifecycle} that tells it how requests ended and an
 * {@link EjectingServiceInstanceListSupplier} around the client's instance-list supplier,
 * which is otherwise left to Spring Cloud LoadBalancer's configuration.
 */
@Configuration(proxyBeanMethods = false)
public class RandomHashedLoadBalancerConfiguration {

	@Bean
	@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
	OutlierEjection outlierEjection(Environment environment, OutlierEjections ejections) {
		return ejections.forService(LoadBalancerClientFactory.getName(environment));
	}

	@Bean
	@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
	OutlierEjectionLifecycle outlierEjectionLifecycle(PhanesLoadBalancerProperties properties, OutlierEjection ejection,
			ObjectProvider<LoadBalancerMetrics> metrics) {
		return new OutlierEjectionLifecycle(ejection, properties.getOutlier().getStatuses(),
				metrics.getIfAvailable(() -> LoadBalancerMetrics.NONE));
	}

	@Bean
	static EjectingServiceInstanceListSupplierPostProcessor ejectingServiceInstanceListSupplierPostProcessor(
			ObjectProvider<OutlierEjection> ejection) {
		return new EjectingServiceInstanceListSupplierPostProcessor(ejection);
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
