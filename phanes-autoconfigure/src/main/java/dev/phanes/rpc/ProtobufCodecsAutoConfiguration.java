package dev.phanes.rpc;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.protobuf.ProtobufJsonDecoder;
import org.springframework.http.codec.protobuf.ProtobufJsonEncoder;
import org.springframework.http.converter.protobuf.ProtobufHttpMessageConverter;

/**
 * Protobuf messages over HTTP in both encodings, chosen by {@code Content-Type} and
 * {@code Accept}: JSON (the default, protobuf's canonical JSON mapping through
 * protobuf-java-util's {@code JsonFormat}) and binary protobuf
 * ({@code application/x-protobuf}).
 * <p>
 * WebFlux (servers, {@code WebClient} and the {@code @HttpExchange} clients built on it)
 * reads and writes binary protobuf by default but has no JSON for protobuf messages:
 * Jackson cannot map them. A {@link CodecCustomizer} registers Spring's
 * {@link ProtobufJsonDecoder} and {@link ProtobufJsonEncoder}, which come before Jackson
 * for protobuf messages. Spring MVC and {@code RestClient} get a
 * {@link ProtobufHttpMessageConverter}, which speaks both. A malformed body is a decoding
 * error, which both stacks answer with 400. Needs protobuf-java-util; off with
 * {@code phanes.rpc.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnClass(name = { "com.google.protobuf.Message", "com.google.protobuf.util.JsonFormat" })
@ConditionalOnProperty(name = "phanes.rpc.enabled", matchIfMissing = true)
public final class ProtobufCodecsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ CodecCustomizer.class, ProtobufJsonEncoder.class })
	static class ReactiveConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "phanesProtobufJsonCodecCustomizer")
		CodecCustomizer phanesProtobufJsonCodecCustomizer() {
			return (configurer) -> {
				configurer.customCodecs().register(new ProtobufJsonDecoder());
				configurer.customCodecs().register(new ProtobufJsonEncoder());
			};
		}

	}

	@Bean
	static ProtobufClientsPostProcessor phanesProtobufClientsPostProcessor() {
		return new ProtobufClientsPostProcessor();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ProtobufHttpMessageConverter.class)
	static class ConverterConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ProtobufHttpMessageConverter phanesProtobufHttpMessageConverter() {
			return new ProtobufHttpMessageConverter();
		}

	}

}
