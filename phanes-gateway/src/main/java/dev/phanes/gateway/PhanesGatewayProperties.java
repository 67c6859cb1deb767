package dev.phanes.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;

/**
 * Configuration of the Phanes gateway's service route.
 */
@ConfigurationProperties("phanes.gateway")
public class PhanesGatewayProperties {

	/**
	 * Whether to route /{service}/** to the service's instances.
	 */
	private boolean enabled = true;

	private final Retry retry = new Retry();

	/**
	 * Whether to route /{service}/** to the service's instances.
	 * @return whether the route is on
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * Retries of a failed request on another instance.
	 * @return the retry settings
	 */
	public Retry getRetry() {
		return this.retry;
	}

	/**
	 * Retries on another instance: a request is tried again when the connection failed,
	 * no response came within the gateway's response timeout, or the instance answered
	 * one of the statuses; only requests of the idempotent methods listed are.
	 */
	public static class Retry {

		/**
		 * Most retries of one request, each on an instance not tried by the attempt
		 * before; 0 turns retries off.
		 */
		private int retries = 2;

		/**
		 * Methods whose requests are retried: repeating them must be harmless.
		 */
		private List<HttpMethod> methods = new ArrayList<>(
				List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS));

		/**
		 * Statuses of an instance's answer that are retried elsewhere.
		 */
		private List<HttpStatus> statuses = new ArrayList<>(
				List.of(HttpStatus.BAD_GATEWAY, HttpStatus.SERVICE_UNAVAILABLE, HttpStatus.GATEWAY_TIMEOUT));

		/**
		 * Pause before the first retry; it doubles for each next one.
		 */
		private Duration firstBackoff = Duration.ofMillis(10);

		/**
		 * Longest pause before a retry.
		 */
		private Duration maxBackoff = Duration.ofMillis(200);

		/**
		 * Most retries of one request, each on an instance not tried by the attempt
		 * before; 0 turns retries off.
		 * @return the most retries
		 */
		public int getRetries() {
			return this.retries;
		}

		public void setRetries(int retries) {
			this.retries = retries;
		}

		/**
		 * Methods whose requests are retried.
		 * @return the methods
		 */
		public List<HttpMethod> getMethods() {
			return this.methods;
		}

		public void setMethods(List<HttpMethod> methods) {
			this.methods = methods;
		}

		/**
		 * Statuses of an instance's answer that are retried elsewhere.
		 * @return the statuses
		 */
		public List<HttpStatus> getStatuses() {
			return this.statuses;
		}

		public void setStatuses(List<HttpStatus> statuses) {
			this.statuses = statuses;
		}

		/**
		 * Pause before the first retry.
		 * @return the pause
		 */
		public Duration getFirstBackoff() {
			return this.firstBackoff;
		}

		public void setFirstBackoff(Duration firstBackoff) {
			this.firstBackoff = firstBackoff;
		}

		/**
		 * Longest pause before a retry.
		 * @return the pause
		 */
		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

	}

}
