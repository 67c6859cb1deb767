package dev.phanes.loadbalancer.grpc;

import io.grpc.LoadBalancerProvider;
import io.grpc.ManagedChannelBuilder;

import dev.phanes.loadbalancer.LoadBalancerMetrics;
import dev.phanes.loadbalancer.OutlierEjections;
import dev.phanes.loadbalancer.PhanesLoadBalancerAutoConfiguration;
import dev.phanes.loadbalancer.PhanesLoadBalancerProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.client.GrpcChannelBuilderCustomizer;

/**
 * gRPC channels to {@code discovery:///<service>}: a {@link GrpcDiscovery} for the
 * application, and, with Spring gRPC, a channel customizer that gives it to every channel
 * Spring gRPC builds. The resolver and the {@code phanes_hashed} policy are registered
 * with grpc-java through {@code META-INF/services}. Off with
 * {@code phanes.loadbalancer.grpc.enabled=false}.
 */
@AutoConfiguration(after = PhanesLoadBalancerAutoConfiguration.class,
		afterName = { "org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration",
				"org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration" })
@ConditionalOnClass({ LoadBalancerProvider.class, ManagedChannelBuilder.class })
@ConditionalOnProperty(name = "phanes.loadbalancer.grpc.enabled", matchIfMissing = true)
@ConditionalOnBean({ OutlierEjections.class, DiscoveryClient.class })
public final class GrpcLoadBalancerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GrpcDiscovery phanesGrpcDiscovery(DiscoveryClient discovery, OutlierEjections ejections,
			PhanesLoadBalancerProperties properties, ObjectProvider<LoadBalancerMetrics> metrics) {
		PhanesLoadBalancerProperties.Grpc grpc = properties.getGrpc();
		return new GrpcDiscovery(discovery, ejections, metrics.getIfAvailable(() -> LoadBalancerMetrics.NONE),
				properties.getHash().getHeader(), grpc.getFailureCodes(), grpc.getDeadline(), grpc.getRetries(),
				grpc.getIdempotentMethods());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(GrpcChannelBuilderCustomizer.class)
	static class SpringGrpcConfiguration {

		@Bean
		GrpcChannelBuilderCustomizer<?> phanesGrpcChannelBuilderCustomizer(GrpcDiscovery discovery) {
			return customizer(discovery);
		}

		private static <T extends ManagedChannelBuilder<T>> GrpcChannelBuilderCustomizer<T> customizer(
				GrpcDiscovery discovery) {
			return (target, builder) -> discovery.configure(builder);
		}

	}

}
