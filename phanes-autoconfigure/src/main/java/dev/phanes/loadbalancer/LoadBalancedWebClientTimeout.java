package dev.phanes.loadbalancer;

import java.time.Duration;

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
public class LoadBalancedWebClientTimeout extends LoadBalancedBuilderTimeout<WebClient.Builder> {

	/**
	 * Create the post-processor.
	 * @param context the context whose bean definitions tell which builders are load
	 * balanced
	 * @param timeout the longest wait for a response of one attempt, 0 for no limit
	 */
	public LoadBalancedWebClientTimeout(ApplicationContext context, Duration timeout) {
		super(context, WebClient.Builder.class, timeout);
	}

	@Override
	void applyTimeout(WebClient.Builder builder, Duration timeout, String beanName) {
		builder.filter((request, next) -> next.exchange(request).timeout(timeout));
	}

}
