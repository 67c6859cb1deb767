package dev.phanes.auth;

import java.net.URI;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Makes every {@code @LoadBalanced} {@link RestClient.Builder} and
 * {@link WebClient.Builder} bean attach a token for the called service: its first
 * interceptor or filter, running before the load balancer replaces the service name in
 * the URI by an instance's address, takes the service name from the URI's host as the
 * token's audience. A request that already has an {@code Authorization} header keeps it.
 * Builders that are not load balanced are left alone: their targets are not services
 * found by name. Each client type is handled in a class of its own, loaded only when that
 * client is on the class path (an MVC application has no WebFlux).
 */
final class LoadBalancedAuthPostProcessor implements BeanPostProcessor {

	private static final boolean WEB_CLIENT_PRESENT = ClassUtils.isPresent(
			"org.springframework.web.reactive.function.client.WebClient",
			LoadBalancedAuthPostProcessor.class.getClassLoader());

	private static final boolean REST_CLIENT_PRESENT = ClassUtils.isPresent("org.springframework.web.client.RestClient",
			LoadBalancedAuthPostProcessor.class.getClassLoader());

	private final ApplicationContext context;

	private final ObjectProvider<OutgoingTokens> tokens;

	LoadBalancedAuthPostProcessor(ApplicationContext context, ObjectProvider<OutgoingTokens> tokens) {
		this.context = context;
		this.tokens = tokens;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (!this.context.containsBeanDefinition(beanName)
				|| this.context.findAnnotationOnBean(beanName, LoadBalanced.class) == null) {
			return bean;
		}
		if (REST_CLIENT_PRESENT && RestClients.isBuilder(bean)) {
			RestClients.attach(bean, this::tokenFor);
		}
		else if (WEB_CLIENT_PRESENT && WebClients.isBuilder(bean)) {
			WebClients.attach(bean, this::tokenFor);
		}
		return bean;
	}

	private @Nullable String tokenFor(URI uri, HttpHeaders headers) {
		String service = uri.getHost();
		if (service == null && uri.getRawAuthority() != null) {
			// not a host name to java.net.URI (an underscore, say), still a service name
			service = uri.getRawAuthority().replaceFirst(":\\d+$", "");
		}
		if (service == null || headers.containsHeader(HttpHeaders.AUTHORIZATION)) {
			return null;
		}
		// looked up at the first call, so that the post-processor does not create the
		// tokens early; a service without outgoing tokens (an issuer without client
		// credentials) sends none
		OutgoingTokens outgoing = this.tokens.getIfAvailable();
		return (outgoing != null) ? outgoing.tokenFor(service) : null;
	}

	/**
	 * Finds the token of a request.
	 */
	@FunctionalInterface
	interface TokenLookup {

		@Nullable String tokenFor(URI uri, HttpHeaders headers);

	}

	/**
	 * The RestClient side.
	 */
	private static final class RestClients {

		static boolean isBuilder(Object bean) {
			return bean instanceof RestClient.Builder;
		}

		static void attach(Object bean, TokenLookup tokens) {
			ClientHttpRequestInterceptor interceptor = (request, body, execution) -> {
				String token = tokens.tokenFor(request.getURI(), request.getHeaders());
				if (token != null) {
					request.getHeaders().setBearerAuth(token);
				}
				return execution.execute(request, body);
			};
			((RestClient.Builder) bean).requestInterceptors((interceptors) -> interceptors.add(0, interceptor));
		}

	}

	/**
	 * The WebClient side.
	 */
	private static final class WebClients {

		static boolean isBuilder(Object bean) {
			return bean instanceof WebClient.Builder;
		}

		static void attach(Object bean, TokenLookup tokens) {
			ExchangeFilterFunction filter = (request, next) -> {
				String token = tokens.tokenFor(request.url(), request.headers());
				if (token == null) {
					return next.exchange(request);
				}
				return next
					.exchange(ClientRequest.from(request).headers((headers) -> headers.setBearerAuth(token)).build());
			};
			((WebClient.Builder) bean).filters((filters) -> filters.add(0, filter));
		}

	}

}
