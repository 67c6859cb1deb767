package dev.phanes.loadbalancer;

import java.lang.reflect.Field;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
public class LoadBalancedRestClientTimeout extends LoadBalancedBuilderTimeout<RestClient.Builder> {

	private static final Log logger = LogFactory.getLog(LoadBalancedRestClientTimeout.class);

	/**
	 * Create the post-processor.
	 * @param context the context whose bean definitions tell which builders are load
	 * balanced
	 * @param timeout the longest wait for a response of one attempt, 0 for no limit
	 */
	public LoadBalancedRestClientTimeout(ApplicationContext context, Duration timeout) {
		super(context, RestClient.Builder.class, timeout);
	}

	@Override
	void applyTimeout(RestClient.Builder builder, Duration timeout, String beanName) {
		if (hasRequestFactory(builder)) {
			logger.debug("@LoadBalanced RestClient.Builder '" + beanName
					+ "' has its own request factory; its timeouts apply, not phanes.loadbalancer.response-timeout");
		}
		else {
			JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory();
			requestFactory.setReadTimeout(timeout);
			builder.requestFactory(requestFactory);
		}
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
