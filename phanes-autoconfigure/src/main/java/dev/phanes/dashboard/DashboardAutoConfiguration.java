package dev.phanes.dashboard;

import java.util.LinkedHashMap;
import java.util.Map;

import reactor.core.publisher.Sinks;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The dashboard page ({@code phanes.dashboard.enabled}) and the environment catalog
 * ({@code phanes.dashboard.catalog.enabled}), both off by default, for reactive web
 * applications with a Spring Cloud discovery client.
 */
@AutoConfiguration(afterName = {
		"org.springframework.cloud.client.discovery.composite.reactive.ReactiveCompositeDiscoveryClientAutoConfiguration",
		"org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration",
		"org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration" })
@ConditionalOnWebApplication(type = Type.REACTIVE)
@ConditionalOnClass({ RouterFunction.class, WebClient.class, ReactiveDiscoveryClient.class })
@ConditionalOnBean(ReactiveDiscoveryClient.class)
@EnableConfigurationProperties(DashboardProperties.class)
public final class DashboardAutoConfiguration {

	/**
	 * The directory reads instances at their addresses with a client of its own: the
	 * application's builder may be load-balanced or carry its tokens.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnExpression("${phanes.dashboard.catalog.enabled:false} or ${phanes.dashboard.enabled:false}")
	ServiceDirectory phanesServiceDirectory(ReactiveDiscoveryClient discovery, DashboardProperties properties) {
		return new ServiceDirectory(discovery, WebClient.create(), properties.getInstanceTimeout());
	}

	@Bean
	@ConditionalOnExpression("${phanes.dashboard.catalog.enabled:false} or ${phanes.dashboard.enabled:false}")
	RouterFunction<ServerResponse> phanesCatalogRoute(ServiceDirectory directory, DashboardProperties properties) {
		return DashboardRoutes.catalog(properties.getPath(), directory);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(prefix = "phanes.dashboard", name = "enabled")
	static class PageConfiguration {

		@Bean
		RouterFunction<ServerResponse> phanesDashboardRoutes(ServiceDirectory directory,
				ReactiveDiscoveryClient discovery,
				ObjectProvider<ReactiveLoadBalancer.Factory<ServiceInstance>> balancers, DashboardProperties properties,
				Environment environment, ConfigurableApplicationContext context) {
			WebClient client = WebClient.create();
			String keyHeader = environment.getProperty("phanes.loadbalancer.hash.header");
			// A client of its own, outside Boot's observation: the call starts a trace of
			// its own, which an observed client would replace with the page request's.
			DashboardCalls calls = new DashboardCalls(balancers.getIfAvailable(), client, properties.getCall(),
					keyHeader);
			Map<String, Object> settings = new LinkedHashMap<>();
			settings.put("callEnabled", properties.getCall().isEnabled());
			settings.put("callMethods", properties.getCall().getMethods().stream().map(Object::toString).toList());
			settings.put("keyHeader", (keyHeader != null) ? keyHeader : "");
			settings.put("endpoints", DashboardRoutes.endpoints());
			Sinks.Empty<Void> closed = Sinks.empty();
			context.addApplicationListener((ApplicationListener<ContextClosedEvent>) (event) -> closed.tryEmitEmpty());
			DashboardRoutes routes = new DashboardRoutes(directory, discovery, client, calls, properties, settings,
					closed.asMono());
			return routes.page();
		}

		@Bean
		static DashboardProtection phanesDashboardProtection(ListableBeanFactory beans,
				ObjectProvider<DashboardProperties> properties) {
			return new DashboardProtection(beans, properties.getObject());
		}

	}

}
