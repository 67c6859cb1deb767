package dev.phanes.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.grpc.BindableService;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The {@code catalog} Actuator endpoint, with the request mappings of a WebFlux or MVC
 * application and the gRPC services it has, each read only when its framework is on the
 * class path.
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
public final class CatalogAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	CatalogEndpoint catalogEndpoint(Environment environment, ObjectProvider<HttpOperationsSource> http,
			ObjectProvider<GrpcOperationsSource> grpc) {
		List<Supplier<List<HttpOperation>>> httpSources = new ArrayList<>(http.orderedStream().toList());
		List<Supplier<List<GrpcOperation>>> grpcSources = new ArrayList<>(grpc.orderedStream().toList());
		return new CatalogEndpoint(environment.getProperty("spring.application.name", "application"), httpSources,
				grpcSources);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.REACTIVE)
	@ConditionalOnClass(name = "org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping")
	static class ReactiveMappingsConfiguration {

		@Bean
		HttpOperationsSource phanesReactiveRequestMappings(
				ObjectProvider<org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping> mappings) {
			return RequestMappings.reactive(mappings)::get;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.SERVLET)
	@ConditionalOnClass(name = "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping")
	static class ServletMappingsConfiguration {

		@Bean
		HttpOperationsSource phanesServletRequestMappings(
				ObjectProvider<org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping> mappings) {
			return RequestMappings.servlet(mappings)::get;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(BindableService.class)
	static class GrpcConfiguration {

		@Bean
		GrpcOperationsSource phanesGrpcServices(ObjectProvider<BindableService> services) {
			return GrpcServices.of(services)::get;
		}

	}

	/**
	 * A source of the HTTP operations listed in the catalog.
	 */
	interface HttpOperationsSource extends Supplier<List<HttpOperation>> {

	}

	/**
	 * A source of the gRPC methods listed in the catalog.
	 */
	interface GrpcOperationsSource extends Supplier<List<GrpcOperation>> {

	}

}
