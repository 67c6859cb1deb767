package dev.phanes.loadbalancer;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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

	private final Outlier outlier = new Outlier();

	private final Grpc grpc = new Grpc();

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

	public Outlier getOutlier() {
		return this.outlier;
	}

	public Grpc getGrpc() {
		return this.grpc;
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
		if (this.outlier.getBaseEjectionTime().isNegative()) {
			errors.rejectValue("outlier.base-ejection-time", "invalid", "must not be negative");
		}
		if (this.outlier.getMaxEjectionTime().compareTo(this.outlier.getBaseEjectionTime()) < 0) {
			errors.rejectValue("outlier.max-ejection-time", "invalid", "must not be shorter than base-ejection-time");
		}
		if (this.outlier.getConsecutiveFailures() < 1) {
			errors.rejectValue("outlier.consecutive-failures", "invalid", "must be at least 1");
		}
		if (this.grpc.getDeadline().isNegative()) {
			errors.rejectValue("grpc.deadline", "invalid", "must not be negative");
		}
		if (this.grpc.getRetries() < 0) {
			errors.rejectValue("grpc.retries", "invalid", "must not be negative");
		}
		if (this.outlier.getMaxEjectionPercent() < 0 || this.outlier.getMaxEjectionPercent() > 100) {
			errors.rejectValue("outlier.max-ejection-percent", "invalid", "must be between 0 and 100");
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
	 * How instances that keep failing are ejected (outlier detection), for HTTP and gRPC
	 * calls alike.
	 */
	public static class Outlier {

		/**
		 * Failed calls in a row (connection errors, timeouts, failure statuses) that
		 * eject an instance.
		 */
		private int consecutiveFailures = 3;

		/**
		 * How long an instance is ejected the first time; each ejection in a row doubles
		 * it. 0 never ejects.
		 */
		private Duration baseEjectionTime = Duration.ofSeconds(30);

		/**
		 * The longest an instance is ejected.
		 */
		private Duration maxEjectionTime = Duration.ofMinutes(5);

		/**
		 * The largest share of a service's instances ejected at once, in percent; one
		 * instance may be ejected whatever the share, but never the last one.
		 */
		private int maxEjectionPercent = 50;

		/**
		 * HTTP response statuses that count as a failure of the instance, besides
		 * connection errors and timeouts.
		 */
		private Set<Integer> statuses = IntStream.range(500, 600)
			.boxed()
			.collect(Collectors.toCollection(LinkedHashSet::new));

		public int getConsecutiveFailures() {
			return this.consecutiveFailures;
		}

		public void setConsecutiveFailures(int consecutiveFailures) {
			this.consecutiveFailures = consecutiveFailures;
		}

		public Duration getBaseEjectionTime() {
			return this.baseEjectionTime;
		}

		public void setBaseEjectionTime(Duration baseEjectionTime) {
			this.baseEjectionTime = baseEjectionTime;
		}

		public Duration getMaxEjectionTime() {
			return this.maxEjectionTime;
		}

		public void setMaxEjectionTime(Duration maxEjectionTime) {
			this.maxEjectionTime = maxEjectionTime;
		}

		public int getMaxEjectionPercent() {
			return this.maxEjectionPercent;
		}

		public void setMaxEjectionPercent(int maxEjectionPercent) {
			this.maxEjectionPercent = maxEjectionPercent;
		}

		public Set<Integer> getStatuses() {
			return this.statuses;
		}

		public void setStatuses(Set<Integer> statuses) {
			this.statuses = statuses;
		}

	}

	/**
	 * gRPC channels to {@code discovery:///<service>}: Phanes' balancing, retries and
	 * outlier ejection for gRPC calls.
	 */
	public static class Grpc {

		/**
		 * Whether {@code discovery:///<service>} channels get Phanes' resolver arguments
		 * and call interceptor.
		 */
		private boolean enabled = true;

		/**
		 * Deadline of each attempt of a call that sets none; an idempotent call whose
		 * attempt runs out is retried on another instance. 0 sets none.
		 */
		private Duration deadline = Duration.ofSeconds(10);

		/**
		 * Attempts on other instances after a failed attempt of an idempotent unary call
		 * (status UNAVAILABLE, or the attempt's own deadline exceeded).
		 */
		private int retries = 2;

		/**
		 * Full method names ({@code package.Service/Method}) or service names
		 * ({@code package.Service}) to retry besides the methods marked idempotent or
		 * side-effect free in their proto ({@code idempotency_level}).
		 */
		private Set<String> idempotentMethods = new LinkedHashSet<>();

		/**
		 * Status codes of a call that count as a failure of its instance for outlier
		 * ejection.
		 */
		private Set<String> failureCodes = new LinkedHashSet<>(
				List.of("UNAVAILABLE", "DEADLINE_EXCEEDED", "INTERNAL", "UNKNOWN", "DATA_LOSS"));

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getDeadline() {
			return this.deadline;
		}

		public void setDeadline(Duration deadline) {
			this.deadline = deadline;
		}

		public int getRetries() {
			return this.retries;
		}

		public void setRetries(int retries) {
			this.retries = retries;
		}

		public Set<String> getIdempotentMethods() {
			return this.idempotentMethods;
		}

		public void setIdempotentMethods(Set<String> idempotentMethods) {
			this.idempotentMethods = idempotentMethods;
		}

		public Set<String> getFailureCodes() {
			return this.failureCodes;
		}

		public void setFailureCodes(Set<String> failureCodes) {
			this.failureCodes = failureCodes;
		}

	}

}
