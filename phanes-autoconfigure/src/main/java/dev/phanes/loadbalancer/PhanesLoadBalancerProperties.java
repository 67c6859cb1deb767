package dev.phanes.loadbalancer;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of the Phanes load balancer.
 */
@ConfigurationProperties("phanes.loadbalancer")
public class PhanesLoadBalancerProperties implements Validator {

	/**
	 * Default of {@code phanes.loadbalancer.response-timeout}.
	 */
	public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Whether to make the random-hashed balancer the default of every load-balancer
	 * client.
	 */
	private boolean enabled = true;

	/**
	 * Longest wait for the response of one attempt of a request through a
	 * {@code @LoadBalanced} WebClient; an attempt that takes longer is retried on another
	 * instance. 0 waits forever.
	 */
	private Duration responseTimeout = Duration.ofSeconds(10);

	private final Hash hash = new Hash();

	private final Avoid avoid = new Avoid();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getResponseTimeout() {
		return this.responseTimeout;
	}

	public void setResponseTimeout(Duration responseTimeout) {
		this.responseTimeout = responseTimeout;
	}

	public Hash getHash() {
		return this.hash;
	}

	public Avoid getAvoid() {
		return this.avoid;
	}

	@Override
	public boolean supports(Class<?> type) {
		return PhanesLoadBalancerProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values at binding, so that an invalid one fails start-up naming the
	 * property, its value and what it must be.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		if (this.responseTimeout.isNegative() || this.responseTimeout.isZero()) {
			errors.rejectValue("responseTimeout", "invalid", "must be a positive duration");
		}
		if (this.avoid.getDuration().isNegative()) {
			errors.rejectValue("avoid.duration", "invalid", "must not be negative");
		}
	}

	/**
	 * Where a request's hash key comes from; without one the choice is random.
	 */
	public static class Hash {

		/**
		 * Request header holding the hash key, such as X-User-Id.
		 */
		private @Nullable String header;

		/**
		 * Cookie holding the hash key, used when the header is absent.
		 */
		private @Nullable String cookie;

		/**
		 * Query parameter holding the hash key, used when the header and cookie are
		 * absent.
		 */
		private @Nullable String queryParameter;

		public @Nullable String getHeader() {
			return this.header;
		}

		public void setHeader(@Nullable String header) {
			this.header = header;
		}

		public @Nullable String getCookie() {
			return this.cookie;
		}

		public void setCookie(@Nullable String cookie) {
			this.cookie = cookie;
		}

		public @Nullable String getQueryParameter() {
			return this.queryParameter;
		}

		public void setQueryParameter(@Nullable String queryParameter) {
			this.queryParameter = queryParameter;
		}

	}

	/**
	 * How instances that failed are set aside.
	 */
	public static class Avoid {

		/**
		 * How long an instance is avoided after a failed request; 0 never avoids.
		 */
		private Duration duration = Duration.ofSeconds(30);

		/**
		 * Response statuses that count as a failure of the instance, besides connection
		 * errors and timeouts.
		 */
		private Set<Integer> statuses = new LinkedHashSet<>(List.of(502, 503, 504));

		public Duration getDuration() {
			return this.duration;
		}

		public void setDuration(Duration duration) {
			this.duration = duration;
		}

		public Set<Integer> getStatuses() {
			return this.statuses;
		}

		public void setStatuses(Set<Integer> statuses) {
			this.statuses = statuses;
		}

	}

}
