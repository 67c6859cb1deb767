package dev.phanes.loadbalancer;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Turns on Spring Cloud LoadBalancer's retries with Phanes' defaults, at the lowest
 * precedence (merged into Boot's {@code defaultProperties}, keeping any the application
 * set there) so any setting of the application wins: retry GET requests on up to two
 * other instances on connection errors and on 502, 503 and 504, with a short backoff, and
 * never on the same instance (without it WebClient does not retry at all); and record
 * {@code loadbalancer.requests.*} meters without the request path, which would give every
 * URL a series of its own. Does nothing when {@code phanes.loadbalancer.enabled=false} or
 * {@code spring.cloud.loadbalancer.enabled=false}.
 */
public class LoadBalancerDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		// With Spring Cloud LoadBalancer off there is nothing to retry or measure; its
		// stats meters would even fail start-up for want of a load balancer factory.
		if (!environment.getProperty("phanes.loadbalancer.enabled", Boolean.class, true)
				|| !environment.getProperty("spring.cloud.loadbalancer.enabled", Boolean.class, true)) {
			return;
		}
		Map<String, Object> defaults = new LinkedHashMap<>();
		String retry = "spring.cloud.loadbalancer.retry.";
		defaults.put(retry + "enabled", "true");
		defaults.put(retry + "max-retries-on-same-service-instance", "0");
		defaults.put(retry + "max-retries-on-next-service-instance", "2");
		defaults.put(retry + "retryable-status-codes", "502,503,504");
		defaults.put(retry + "backoff.enabled", "true");
		defaults.put(retry + "backoff.min-backoff", "10ms");
		defaults.put(retry + "backoff.max-backoff", "200ms");
		defaults.put("spring.cloud.loadbalancer.stats.micrometer.enabled", "true");
		defaults.put("spring.cloud.loadbalancer.stats.include-path", "false");
		// Boot moves "defaultProperties" to the very end after post-processing, so a
		// source
		// added last would still outrank them: merge into them, keeping the
		// application's.
		PropertySource<?> existing = environment.getPropertySources().get(DefaultPropertiesPropertySource.NAME);
		if (existing != null) {
			defaults.keySet().removeIf((name) -> existing.containsProperty(name));
		}
		DefaultPropertiesPropertySource.addOrMerge(defaults, environment.getPropertySources());
	}

}
