package dev.phanes.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of the Phanes config block: the etcd client used by
 * {@code spring.config.import=etcd:…} and the reloads.
 * <p>
 * The {@code etcd} group is read when the import is resolved, before the application
 * context exists, from the sources loaded so far (command line, environment,
 * {@code application.yml}); later changes to it need a restart.
 */
@ConfigurationProperties("phanes.config")
public class ConfigProperties implements Validator {

	/**
	 * Whether to watch imported etcd prefixes and files and reload changed configuration.
	 * The etcd import itself works either way.
	 */
	private boolean enabled = true;

	private final Etcd etcd = new Etcd();

	private final Reload reload = new Reload();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Etcd getEtcd() {
		return this.etcd;
	}

	public Reload getReload() {
		return this.reload;
	}

	@Override
	public boolean supports(Class<?> type) {
		return ConfigProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values at binding, so that an invalid one fails start-up naming the
	 * property, its value and what it must be.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		if (this.etcd.getConnectTimeout().isNegative() || this.etcd.getConnectTimeout().isZero()) {
			errors.rejectValue("etcd.connectTimeout", "invalid", "must be a positive duration");
		}
		if (this.etcd.getRequestTimeout().isNegative() || this.etcd.getRequestTimeout().isZero()) {
			errors.rejectValue("etcd.requestTimeout", "invalid", "must be a positive duration");
		}
		if (this.etcd.getRetryInterval().isNegative() || this.etcd.getRetryInterval().isZero()) {
			errors.rejectValue("etcd.retryInterval", "invalid", "must be a positive duration");
		}
		if (this.reload.getCoalesce().isNegative()) {
			errors.rejectValue("reload.coalesce", "invalid", "must not be negative");
		}
	}

	/**
	 * Settings of the etcd client.
	 */
	public static class Etcd {

		/**
		 * Endpoints of the etcd cluster, as http:// or https:// URLs.
		 */
		private List<String> endpoints = new ArrayList<>(List.of("http://127.0.0.1:2379"));

		/**
		 * User name for etcd authentication.
		 */
		private @Nullable String user;

		/**
		 * Password for etcd authentication.
		 */
		private @Nullable String password;

		/**
		 * Time limit for establishing a connection to etcd.
		 */
		private Duration connectTimeout = Duration.ofSeconds(2);

		/**
		 * Time limit for one read of a prefix, at start-up and on every reload.
		 */
		private Duration requestTimeout = Duration.ofSeconds(3);

		/**
		 * Time to wait before watching a prefix again after its watch failed.
		 */
		private Duration retryInterval = Duration.ofSeconds(1);

		private final Tls tls = new Tls();

		public List<String> getEndpoints() {
			return this.endpoints;
		}

		public void setEndpoints(List<String> endpoints) {
			this.endpoints = endpoints;
		}

		public @Nullable String getUser() {
			return this.user;
		}

		public void setUser(@Nullable String user) {
			this.user = user;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getRequestTimeout() {
			return this.requestTimeout;
		}

		public void setRequestTimeout(Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
		}

		public Duration getRetryInterval() {
			return this.retryInterval;
		}

		public void setRetryInterval(Duration retryInterval) {
			this.retryInterval = retryInterval;
		}

		public Tls getTls() {
			return this.tls;
		}

	}

	/**
	 * TLS settings of the etcd client, used with https:// endpoints.
	 */
	public static class Tls {

		/**
		 * PEM file of the certificate authorities trusted for the etcd server; the JDK's
		 * trust store when not set.
		 */
		private @Nullable Path trustCertificates;

		/**
		 * PEM file of the client certificate, for etcd's client certificate
		 * authentication.
		 */
		private @Nullable Path certificate;

		/**
		 * PEM file of the client certificate's private key (PKCS#8).
		 */
		private @Nullable Path privateKey;

		public @Nullable Path getTrustCertificates() {
			return this.trustCertificates;
		}

		public void setTrustCertificates(@Nullable Path trustCertificates) {
			this.trustCertificates = trustCertificates;
		}

		public @Nullable Path getCertificate() {
			return this.certificate;
		}

		public void setCertificate(@Nullable Path certificate) {
			this.certificate = certificate;
		}

		public @Nullable Path getPrivateKey() {
			return this.privateKey;
		}

		public void setPrivateKey(@Nullable Path privateKey) {
			this.privateKey = privateKey;
		}

	}

	/**
	 * Settings of reloads.
	 */
	public static class Reload {

		/**
		 * Time a reload waits after the first change it saw, so that a burst of changes
		 * becomes one reload.
		 */
		private Duration coalesce = Duration.ofMillis(20);

		/**
		 * Whether to watch configuration files loaded from the file system (imported
		 * files and application.yml outside the class path) and reload when they change.
		 */
		private boolean watchFiles = true;

		public Duration getCoalesce() {
			return this.coalesce;
		}

		public void setCoalesce(Duration coalesce) {
			this.coalesce = coalesce;
		}

		public boolean isWatchFiles() {
			return this.watchFiles;
		}

		public void setWatchFiles(boolean watchFiles) {
			this.watchFiles = watchFiles;
		}

	}

}
