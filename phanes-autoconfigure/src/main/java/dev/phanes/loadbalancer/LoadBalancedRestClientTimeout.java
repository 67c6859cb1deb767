package dev.phanes.loadbalancer;

import java.lang.reflect.Field;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ApplicationContext;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.client.RestClient;

/**
 * Gives every {@code @LoadBalanced} {@link RestClient.Builder} that has no request
 * factory of its own a JDK HTTP client request factory with a read timeout per attempt,
 * so an instance that accepts a request and never answers becomes an I/O error, which
 * Spring Cloud LoadBalancer retries on another instance, instead of a caller that waits
 * forever. A builder given its own request factory keeps it (and its timeouts).
 */
public class LoadBalancedRestClientTimeout implements BeanPostProcessor {

	private static final Log logger = LogFactory.getLog(LoadBalancedRestClientTimeout.class);

	private final ApplicationContext context;

	private final Duration timeout;

	/**
	 * Create the post-processor.
	 * @param context the context whose bean definitions tell which builders are load
	 * balanced
	 * @param timeout the longest wait for a response of one attempt, 0 for no limit
	 */
	public LoadBalancedRestClientTimeout(ApplicationContext context, Duration timeout) {
		this.context = context;
		this.timeout = timeout;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!this.timeout.isZero() && bean instanceof RestClient.Builder builder
				&& this.context.containsBeanDefinition(beanName)
				&& this.context.findAnnotationOnBean(beanName, LoadBalanced.class) != null) {
			if (hasRequestFactory(builder)) {
				logger.debug("@LoadBalanced RestClient.Builder '" + beanName
						+ "' has its own request factory; its timeouts apply, not phanes.loadbalancer.response-timeout");
			}
			else {
				JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory();
				requestFactory.setReadTimeout(this.timeout);
				builder.requestFactory(requestFactory);
			}
		}
		return bean;
	}

	/**
	 * Return whether the builder was given a request factory. RestClient.Builder has no
	 * getter; Spring Framework's builder keeps it in a field, and a builder of another
	 * kind is left alone.
	 */
	private static boolean hasRequestFactory(RestClient.Builder builder) {
		Field field = ReflectionUtils.findField(builder.getClass(), "requestFactory");
		if (field == null) {
			return true;
		}
		ReflectionUtils.makeAccessible(field);
		return ReflectionUtils.getField(field, builder) != null;
	}

}
