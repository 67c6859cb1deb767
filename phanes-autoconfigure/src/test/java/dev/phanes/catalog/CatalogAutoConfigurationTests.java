package dev.phanes.catalog;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CatalogAutoConfiguration} and the {@link CatalogEndpoint} it makes.
 */
class CatalogAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CatalogAutoConfiguration.class, EndpointAutoConfiguration.class,
				WebFluxAutoConfiguration.class))
		.withPropertyValues("spring.application.name=notes", "management.endpoints.web.exposure.include=catalog");

	@Test
	void listsRequestMappingsHttpExchangeControllersAndGrpcMethods() {
		this.contextRunner.withUserConfiguration(Controllers.class).run((context) -> {
			CatalogEndpoint.CatalogDescriptor catalog = context.getBean(CatalogEndpoint.class).catalog();
			assertThat(catalog.service()).isEqualTo("notes");
			assertThat(catalog.http()).containsExactly(
					new HttpOperation(java.util.List.of("GET"), "/greeting/{name}", java.util.List.of(),
							java.util.List.of(), "GreetingController#greet", true),
					new HttpOperation(java.util.List.of("POST"), "/notes", java.util.List.of("application/json"),
							java.util.List.of("application/json"), "NotesController#create", false),
					new HttpOperation(java.util.List.of("GET"), "/notes/{id}", java.util.List.of(),
							java.util.List.of("application/json"), "NotesController#get", true));
			assertThat(catalog.grpc()).containsExactly(new GrpcOperation("test.Notes", "Create", "UNARY", false, false),
					new GrpcOperation("test.Notes", "Get", "UNARY", true, true),
					new GrpcOperation("test.Notes", "Watch", "SERVER_STREAMING", false, false));
		});
	}

	@Test
	void isAbsentUnlessExposed() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CatalogAutoConfiguration.class, EndpointAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(CatalogEndpoint.class));
	}

	@Test
	void listsNothingButGrpcWithoutAWebStack() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CatalogAutoConfiguration.class, EndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.jmx.exposure.include=catalog", "spring.jmx.enabled=true")
			.withUserConfiguration(Controllers.class)
			.run((context) -> {
				CatalogEndpoint.CatalogDescriptor catalog = context.getBean(CatalogEndpoint.class).catalog();
				assertThat(catalog.service()).isEqualTo("application");
				assertThat(catalog.http()).isEmpty();
				assertThat(catalog.grpc()).hasSize(3);
			});
	}

	@Test
	void backsOffWhenTheApplicationDefinesTheEndpoint() {
		this.contextRunner
			.withBean("custom", CatalogEndpoint.class,
					() -> new CatalogEndpoint("custom", java.util.List.of(), java.util.List.of()))
			.run((context) -> assertThat(context.getBean(CatalogEndpoint.class).catalog().service())
				.isEqualTo("custom"));
	}

	@Configuration(proxyBeanMethods = false)
	static class Controllers {

		@Bean
		NotesController notesController() {
			return new NotesController();
		}

		@Bean
		GreetingController greetingController() {
			return new GreetingController();
		}

		@Bean
		BindableService notesGrpc() {
			return () -> ServerServiceDefinition.builder("test.Notes")
				.addMethod(method("Get", MethodDescriptor.MethodType.UNARY).toBuilder().setSafe(true).build(),
						ServerCalls.asyncUnaryCall((request, observer) -> observer.onCompleted()))
				.addMethod(method("Create", MethodDescriptor.MethodType.UNARY),
						ServerCalls.asyncUnaryCall((request, observer) -> observer.onCompleted()))
				.addMethod(method("Watch", MethodDescriptor.MethodType.SERVER_STREAMING),
						ServerCalls.asyncServerStreamingCall((request, observer) -> observer.onCompleted()))
				.build();
		}

		private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
			MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {

				@Override
				public InputStream stream(byte[] value) {
					return new ByteArrayInputStream(value);
				}

				@Override
				public byte[] parse(InputStream stream) {
					return new byte[0];
				}

			};
			return MethodDescriptor.<byte[], byte[]>newBuilder()
				.setType(type)
				.setFullMethodName(MethodDescriptor.generateFullMethodName("test.Notes", name))
				.setRequestMarshaller(bytes)
				.setResponseMarshaller(bytes)
				.build();
		}

	}

	@RestController
	static class NotesController {

		@GetMapping(path = "/notes/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
		Mono<String> get(@PathVariable String id) {
			return Mono.just(id);
		}

		@PostMapping(path = "/notes", consumes = MediaType.APPLICATION_JSON_VALUE,
				produces = MediaType.APPLICATION_JSON_VALUE)
		Mono<String> create(@RequestBody String body) {
			return Mono.just(body);
		}

	}

	@HttpExchange
	interface Greetings {

		@GetExchange("/greeting/{name}")
		Mono<String> greet(@PathVariable String name);

	}

	@RestController
	static class GreetingController implements Greetings {

		@Override
		public Mono<String> greet(String name) {
			return Mono.just("hello " + name);
		}

	}

}
