package dev.phanes.loadbalancer;

import java.time.Duration;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Gives every {@code @LoadBalanced} {@link WebClient.Builder} a response timeout per
 * attempt, so an instance that accepts a request and never answers becomes a
 * {@link java.util.concurrent.TimeoutException}, which Spring Cloud LoadBalancer retries
 * on another instance, instead of a caller that waits forever.
 * <p>
 * The filter is added after initialization, so after Spring Cloud's load-balancing filter
 * (added before initialization): it sits inside the retries and times each attempt.
 */
public class LoadBalancedWebClientTimeout implements BeanPostProcessor {

	private final ApplicationContext context;

	private final Duration timeout;

	/**
	 * Create the post-processor.
	 * @param context the context whose bean definitions tell which builders are load
	 * balanced
	 * @param timeout the longest wait for a response of one attempt, 0 for no limit
	 */
	public LoadBalancedWebClientTimeout(ApplicationContext context, Duration timeout) {
		this.context = context;
		this.timeout = timeout;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!this.timeout.isZero() && bean instanceof WebClient.Builder builder
				&& this.context.containsBeanDefinition(beanName)
				&& this.context.findAnnotationOnBean(beanName, LoadBalanced.class) != null) {
			builder.filter((request, next) -> next.exchange(request).timeout(this.timeout));
		}
		return bean;
	}

}
