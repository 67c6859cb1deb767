package dev.phanes.discovery.etcd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Settings of discovery over etcd ({@code phanes.discovery.type=etcd}).
 */
@ConfigurationProperties("phanes.discovery.etcd")
public class EtcdDiscoveryProperties implements Validator {

	/**
	 * Endpoints of the etcd cluster. Defaults to phanes.config.etcd.endpoints when those
	 * are set, else http://127.0.0.1:2379.
	 */
	private List<String> endpoints = new ArrayList<>();

	/**
	 * Key prefix of the registry; go-micro's, so that go-micro services and this
	 * application see each other.
	 */
	private String prefix = "/micro/registry/";

	/**
	 * Time to live of this application's registration lease: how long its key outlives
	 * the process after a crash. Kept alive by one stream, refreshed every third of it.
	 */
	private Duration ttl = Duration.ofSeconds(15);

	/**
	 * Time to wait for a connection to etcd.
	 */
	private Duration connectTimeout = Duration.ofSeconds(5);

	/**
	 * Time to wait for an answer to a registration, a deregistration or a read.
	 */
	private Duration requestTimeout = Duration.ofSeconds(5);

	/**
	 * Time between attempts to register again, or to read the registry again, while etcd
	 * does not answer.
	 */
	private Duration retryInterval = Duration.ofSeconds(1);

	/**
	 * Service id to register under. Defaults to spring.application.name.
	 */
	private @Nullable String serviceId;

	/**
	 * Node id of this instance. Defaults to the service id and a random suffix.
	 */
	private @Nullable String instanceId;

	/**
	 * Host or address to register. Defaults to the first non-loopback address of this
	 * machine, or the loopback address if there is none.
	 */
	private @Nullable String hostname;

	/**
	 * Whether peers call this instance over HTTPS.
	 */
	private boolean secure;

	/**
	 * Version of the service, go-micro's version field.
	 */
	private String version = "latest";

	/**
	 * Metadata of this instance, written as the go-micro node's metadata.
	 */
	private Map<String, String> metadata = new LinkedHashMap<>();

	/**
	 * Largest registry document read; a larger one is ignored with a warning.
	 */
	private DataSize maxDocumentSize = DataSize.ofKilobytes(64);

	/**
	 * Time to keep serving after the registration was deleted at shutdown, before the web
	 * server's graceful shutdown begins.
	 */
	private Duration shutdownDelay = Duration.ofSeconds(1);

	/**
	 * User name for etcd authentication.
	 */
	private @Nullable String user;

	/**
	 * Password for etcd authentication.
	 */
	private @Nullable String password;

	/**
	 * Order of the discovery clients among others.
	 */
	private int order;

	public List<String> getEndpoints() {
		return this.endpoints;
	}

	public void setEndpoints(List<String> endpoints) {
		this.endpoints = endpoints;
	}

	public String getPrefix() {
		return this.prefix;
	}

	public void setPrefix(String prefix) {
		this.prefix = prefix;
	}

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		this.ttl = ttl;
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

	public @Nullable String getServiceId() {
		return this.serviceId;
	}

	public void setServiceId(@Nullable String serviceId) {
		this.serviceId = serviceId;
	}

	public @Nullable String getInstanceId() {
		return this.instanceId;
	}

	public void setInstanceId(@Nullable String instanceId) {
		this.instanceId = instanceId;
	}

	public @Nullable String getHostname() {
		return this.hostname;
	}

	public void setHostname(@Nullable String hostname) {
		this.hostname = hostname;
	}

	public boolean isSecure() {
		return this.secure;
	}

	public void setSecure(boolean secure) {
		this.secure = secure;
	}

	public String getVersion() {
		return this.version;
	}

	public void setVersion(String version) {
		this.version = version;
	}

	public Map<String, String> getMetadata() {
		return this.metadata;
	}

	public void setMetadata(Map<String, String> metadata) {
		this.metadata = metadata;
	}

	public DataSize getMaxDocumentSize() {
		return this.maxDocumentSize;
	}

	public void setMaxDocumentSize(DataSize maxDocumentSize) {
		this.maxDocumentSize = maxDocumentSize;
	}

	public Duration getShutdownDelay() {
		return this.shutdownDelay;
	}

	public void setShutdownDelay(Duration shutdownDelay) {
		this.shutdownDelay = shutdownDelay;
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

	public int getOrder() {
		return this.order;
	}

	public void setOrder(int order) {
		this.order = order;
	}

	@Override
	public boolean supports(Class<?> type) {
		return EtcdDiscoveryProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values at binding, so that an invalid one fails start-up naming the
	 * property, its value and what it must be.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		if (!this.prefix.startsWith("/") || !this.prefix.endsWith("/") || this.prefix.length() < 2) {
			errors.rejectValue("prefix", "invalid", "must start and end with '/', like /micro/registry/");
		}
		if (this.ttl.compareTo(Duration.ofSeconds(2)) < 0) {
			errors.rejectValue("ttl", "invalid", "must be at least 2s (etcd keeps leases whole seconds)");
		}
		positive(errors, "connectTimeout", this.connectTimeout);
		positive(errors, "requestTimeout", this.requestTimeout);
		positive(errors, "retryInterval", this.retryInterval);
		if (this.shutdownDelay.isNegative()) {
			errors.rejectValue("shutdownDelay", "invalid", "must not be negative");
		}
		if (this.maxDocumentSize.toBytes() < 256) {
			errors.rejectValue("maxDocumentSize", "invalid", "must be at least 256B");
		}
		if (this.version.isBlank()) {
			errors.rejectValue("version", "invalid", "must not be blank");
		}
	}

	private static void positive(Errors errors, String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			errors.rejectValue(name, "invalid", "must be a positive duration");
		}
	}

}
