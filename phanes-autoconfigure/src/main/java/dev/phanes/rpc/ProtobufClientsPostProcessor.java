package dev.phanes.rpc;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.http.codec.protobuf.ProtobufJsonDecoder;
import org.springframework.http.codec.protobuf.ProtobufJsonEncoder;
import org.springframework.http.converter.protobuf.ProtobufHttpMessageConverter;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Gives the HTTP client builders an application defines itself (such as the usual
 * {@code @LoadBalanced WebClient.Builder} made with {@code WebClient.builder()}, which
 * Boot's codec customizers never see) the protobuf encodings: JSON through
 * protobuf-java-util and binary protobuf, chosen by content type. Builders Boot makes get
 * them from the codec customizer too; a codec registered twice changes nothing.
 */
final class ProtobufClientsPostProcessor implements BeanPostProcessor {

	private static final boolean WEB_CLIENT_PRESENT = ClassUtils.isPresent(
			"org.springframework.web.reactive.function.client.WebClient",
			ProtobufClientsPostProcessor.class.getClassLoader());

	private static final boolean REST_CLIENT_PRESENT = ClassUtils.isPresent("org.springframework.web.client.RestClient",
			ProtobufClientsPostProcessor.class.getClassLoader());

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (WEB_CLIENT_PRESENT && bean instanceof WebClient.Builder builder) {
			builder.codecs((codecs) -> {
				codecs.customCodecs().register(new ProtobufJsonDecoder());
				codecs.customCodecs().register(new ProtobufJsonEncoder());
			});
		}
		else if (REST_CLIENT_PRESENT && bean instanceof RestClient.Builder builder) {
			builder.messageConverters((converters) -> {
				if (converters.stream().noneMatch(ProtobufHttpMessageConverter.class::isInstance)) {
					converters.add(0, new ProtobufHttpMessageConverter());
				}
			});
		}
		return bean;
	}

}
