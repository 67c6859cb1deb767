package dev.phanes.loadbalancer;

import java.time.Clock;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;

import dev.phanes.observation.DocumentedObservations;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;

/**
 * Makes the {@link RandomHashedLoadBalancer} the default balancer of every Spring Cloud
 * LoadBalancer client (a client's own {@code @LoadBalancerClient(configuration = ...)}
 * balancer still wins), ejects instances that keep failing for every client through an
 * {@link EjectingServiceInstanceListSupplier} (see
 * {@link RandomHashedLoadBalancerConfiguration}), and clears the cached instance lists
 * when discovery reports a change.
 */
@AutoConfiguration
@ConditionalOnClass(ReactorServiceInstanceLoadBalancer.class)
@ConditionalOnProperty(name = { "phanes.loadbalancer.enabled", "spring.cloud.loadbalancer.enabled" },
		matchIfMissing = true)
@EnableConfigurationProperties(PhanesLoadBalancerProperties.class)
@LoadBalancerClients(defaultConfiguration = RandomHashedLoadBalancerConfiguration.class)
public final class PhanesLoadBalancerAutoConfiguration {

	/**
	 * The observations of this block, for the collectors to describe and cap.
	 * @return them
	 */
	@Bean
	static DocumentedObservations phanesLoadBalancerObservations() {
		return DocumentedObservations.of(LoadBalancerObservation.values());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.web.reactive.function.client.WebClient")
	static class WebClientTimeoutConfiguration {

		@Bean
		static LoadBalancedWebClientTimeout loadBalancedWebClientTimeout(ApplicationContext context,
				Environment environment) {
			return new LoadBalancedWebClientTimeout(context, responseTimeout(environment));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.web.client.RestClient")
	static class RestClientTimeoutConfiguration {

		@Bean
		static LoadBalancedRestClientTimeout loadBalancedRestClientTimeout(ApplicationContext context,
				Environment environment) {
			return new LoadBalancedRestClientTimeout(context, responseTimeout(environment));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(LoadBalancerMetrics.class)
		MicrometerLoadBalancerMetrics phanesLoadBalancerMetrics(ObjectProvider<MeterRegistry> registry) {
			return new MicrometerLoadBalancerMetrics(registry);
		}

	}

	@Bean
	@ConditionalOnMissingBean
	OutlierEjections phanesOutlierEjections(PhanesLoadBalancerProperties properties,
			ObjectProvider<LoadBalancerMetrics> metrics) {
		return new OutlierEjections(properties.getOutlier(), metrics.getIfAvailable(() -> LoadBalancerMetrics.NONE),
				Clock.systemUTC());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		OutliersEndpoint outliersEndpoint(OutlierEjections ejections) {
			return new OutliersEndpoint(ejections);
		}

	}

	@Bean
	@ConditionalOnMissingBean
	DiscoveryChangeCacheEvictor discoveryChangeCacheEvictor(ListableBeanFactory beanFactory) {
		return new DiscoveryChangeCacheEvictor(beanFactory);
	}

	/**
	 * Bind the response timeout early: the post-processors that apply it are created
	 * before configuration properties beans.
	 */
	private static Duration responseTimeout(Environment environment) {
		return Binder.get(environment)
			.bind("phanes.loadbalancer.response-timeout", Duration.class)
			.orElse(PhanesLoadBalancerProperties.DEFAULT_RESPONSE_TIMEOUT);
	}

}
