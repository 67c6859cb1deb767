package dev.phanes.loadbalancer;

import java.time.Duration;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ApplicationContext;

/**
 * Gives every {@code @LoadBalanced} client builder bean of one type a response timeout
 * per attempt, so that an instance that accepts a request and never answers turns into a
 * retry on another instance instead of a caller that waits forever.
 *
 * @param <B> the type of builder
 */
abstract class LoadBalancedBuilderTimeout<B> implements BeanPostProcessor {

	private final ApplicationContext context;

	private final Class<B> builderType;

	private final Duration timeout;

	/**
	 * Create the post-processor.
	 * @param context the context whose bean definitions tell which builders are load
	 * balanced
	 * @param builderType the type of builder
	 * @param timeout the longest wait for a response of one attempt, 0 for no limit
	 */
	LoadBalancedBuilderTimeout(ApplicationContext context, Class<B> builderType, Duration timeout) {
		this.context = context;
		this.builderType = builderType;
		this.timeout = timeout;
	}

	@Override
	public final Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!this.timeout.isZero() && this.builderType.isInstance(bean) && this.context.containsBeanDefinition(beanName)
				&& this.context.findAnnotationOnBean(beanName, LoadBalanced.class) != null) {
			applyTimeout(this.builderType.cast(bean), this.timeout, beanName);
		}
		return bean;
	}

	/**
	 * Give a load-balanced builder the timeout.
	 * @param builder the builder
	 * @param timeout the timeout, not zero
	 * @param beanName the builder's bean name
	 */
	abstract void applyTimeout(B builder, Duration timeout, String beanName);

}
