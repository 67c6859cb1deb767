package dev.phanes.dashboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.http.HttpMethod;

/**
 * Configuration of the dashboard page and the environment catalog.
 */
@ConfigurationProperties("phanes.dashboard")
public class DashboardProperties {

	/**
	 * Whether to serve the dashboard page and its API. It shows every service's
	 * endpoints, logs and traces: turn it on only behind Phanes' auth block or Spring
	 * Security (start-up fails otherwise, unless allow-unprotected is set).
	 */
	private boolean enabled = false;

	/**
	 * Path under which the page (path + "/"), its API (path + "/api/...") and the catalog
	 * (path + "/catalog") are served.
	 */
	private String path = "/phanes";

	/**
	 * Whether to serve the dashboard although no security filter (Phanes' auth block or
	 * Spring Security) protects it; for a machine of one's own, on loopback.
	 */
	private boolean allowUnprotected = false;

	/**
	 * Longest wait for one instance's Actuator answer.
	 */
	private Duration instanceTimeout = Duration.ofSeconds(2);

	private final Catalog catalog = new Catalog();

	private final Call call = new Call();

	/**
	 * Whether to serve the dashboard page and its API.
	 * @return whether it is on
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * Path under which the page, its API and the catalog are served.
	 * @return the path
	 */
	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	/**
	 * Whether to serve the dashboard although no security filter protects it.
	 * @return whether that is allowed
	 */
	public boolean isAllowUnprotected() {
		return this.allowUnprotected;
	}

	public void setAllowUnprotected(boolean allowUnprotected) {
		this.allowUnprotected = allowUnprotected;
	}

	/**
	 * Longest wait for one instance's Actuator answer.
	 * @return the timeout
	 */
	public Duration getInstanceTimeout() {
		return this.instanceTimeout;
	}

	public void setInstanceTimeout(Duration instanceTimeout) {
		this.instanceTimeout = instanceTimeout;
	}

	/**
	 * The environment catalog.
	 * @return its settings
	 */
	public Catalog getCatalog() {
		return this.catalog;
	}

	/**
	 * Calls made from the page.
	 * @return their settings
	 */
	public Call getCall() {
		return this.call;
	}

	/**
	 * The environment catalog: every service's endpoints in one JSON document at path +
	 * "/catalog", read from one instance of each.
	 */
	public static class Catalog {

		/**
		 * Whether to serve the environment catalog, also when the page is off.
		 */
		private boolean enabled = false;

		/**
		 * Whether to serve the environment catalog, also when the page is off.
		 * @return whether it is on
		 */
		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * "Call it": requests the page sends to a service through the load balancer, with a
	 * hash key of the user's choice.
	 */
	public static class Call {

		/**
		 * Whether the page may call services; read-only otherwise.
		 */
		private boolean enabled = false;

		/**
		 * Methods the page may call with; others are refused. Add a non-idempotent one
		 * only knowing that a click changes data.
		 */
		private List<HttpMethod> methods = new ArrayList<>(
				List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS));

		/**
		 * Longest wait for a call's answer.
		 */
		private Duration timeout = Duration.ofSeconds(10);

		/**
		 * Whether the page may call services.
		 * @return whether it may
		 */
		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		/**
		 * Methods the page may call with.
		 * @return the methods
		 */
		public List<HttpMethod> getMethods() {
			return this.methods;
		}

		public void setMethods(List<HttpMethod> methods) {
			this.methods = methods;
		}

		/**
		 * Longest wait for a call's answer.
		 * @return the timeout
		 */
		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

}
