package dev.phanes.rpc;

import java.util.List;

import com.google.protobuf.Struct;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.converter.protobuf.ProtobufHttpMessageConverter;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The RPC block's auto-configurations: the gRPC port publisher with Spring gRPC, the
 * protobuf encodings with protobuf-java-util, each off with {@code phanes.rpc.enabled}.
 */
class RpcAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RpcAutoConfiguration.class, ProtobufCodecsAutoConfiguration.class));

	@Test
	void publishesTheGrpcPortAndAddsTheProtobufEncodings() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(GrpcPortPublisher.class)
				.hasSingleBean(ProtobufHttpMessageConverter.class)
				.hasBean("phanesProtobufJsonCodecCustomizer");
			assertThat(context.getBean(ProtobufHttpMessageConverter.class)
				.canRead(Struct.class, MediaType.APPLICATION_JSON)).as("JSON through protobuf-java-util").isTrue();
		});
	}

	@Test
	void givesClientBuildersTheApplicationDefinesTheProtobufEncodings() {
		this.contextRunner.withUserConfiguration(OwnBuilders.class).run((context) -> {
			RestClient.Builder builder = context.getBean(RestClient.Builder.class);
			List<Object> converters = new java.util.ArrayList<>();
			builder.messageConverters((list) -> converters.addAll(list));
			assertThat(converters).hasAtLeastOneElementOfType(ProtobufHttpMessageConverter.class);
			assertThat(context.getBean(WebClient.Builder.class).build()).isNotNull();
		});
	}

	@Test
	void isOffWithTheSwitch() {
		this.contextRunner.withPropertyValues("phanes.rpc.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(GrpcPortPublisher.class)
				.doesNotHaveBean(ProtobufHttpMessageConverter.class)
				.doesNotHaveBean("phanesProtobufJsonCodecCustomizer");
		});
	}

	@Test
	void needsSpringGrpcForThePublisherAndProtobufJavaUtilForTheEncodings() {
		this.contextRunner
			.withClassLoader(new FilteredClassLoader("org.springframework.grpc", "com.google.protobuf.util"))
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcPortPublisher.class)
				.doesNotHaveBean(ProtobufHttpMessageConverter.class));
	}

	@Test
	void aUsersConverterWins() {
		this.contextRunner.withUserConfiguration(OwnConverter.class)
			.run((context) -> assertThat(context).getBean(ProtobufHttpMessageConverter.class)
				.isSameAs(context.getBean(OwnConverter.class).converter));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBuilders {

		@Bean
		RestClient.Builder restClientBuilder() {
			return RestClient.builder();
		}

		@Bean
		WebClient.Builder webClientBuilder() {
			return WebClient.builder();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnConverter {

		final ProtobufHttpMessageConverter converter = new ProtobufHttpMessageConverter();

		@Bean
		ProtobufHttpMessageConverter ownProtobufConverter() {
			return this.converter;
		}

	}

}
