package dev.phanes.discovery;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of discovery over multicast DNS.
 */
@ConfigurationProperties(MdnsDiscoveryProperties.PREFIX)
public class MdnsDiscoveryProperties implements Validator {

	/**
	 * Prefix of the mDNS discovery properties.
	 */
	public static final String PREFIX = "phanes.discovery.mdns";

	/**
	 * Record TTL used when none is configured.
	 */
	public static final Duration DEFAULT_TTL = Duration.ofSeconds(20);

	/**
	 * Whether to discover services and register this one over multicast DNS.
	 */
	private boolean enabled = true;

	/**
	 * IP address of the interface to send and receive multicast DNS on, for example
	 * 127.0.0.1 to keep discovery on this machine. Takes precedence over
	 * 'network-interface'. When neither is set, the first multicast-capable interface
	 * with a non-loopback address (the host's LAN) is used.
	 */
	private @Nullable String address;

	/**
	 * Name of the network interface to send and receive multicast DNS on (for example
	 * eth0), when 'address' is not set. Its first IPv4 address is used.
	 */
	private @Nullable String networkInterface;

	/**
	 * DNS-SD domain services are published in and browsed from.
	 */
	private String domain = "local";

	/**
	 * Time to live of the published records: peers forget an instance that stopped
	 * without a goodbye this long after they last heard of it. JmDNS re-announces
	 * registered services at half the TTL. Whole seconds; JmDNS reads it once per JVM.
	 */
	private Duration ttl = DEFAULT_TTL;

	/**
	 * Service id to register this application under. Defaults to
	 * 'spring.application.name'. Lower-case letters, digits and hyphens.
	 */
	private @Nullable String serviceId;

	/**
	 * Instance id to register this application under, unique on the network. Defaults to
	 * the service id followed by a random suffix.
	 */
	private @Nullable String instanceId;

	/**
	 * Host name or address peers should call this instance on. Defaults to the address
	 * multicast DNS is bound to.
	 */
	private @Nullable String hostname;

	/**
	 * Whether peers should call this instance over HTTPS.
	 */
	private boolean secure;

	/**
	 * Metadata published with this instance in its TXT record.
	 */
	private Map<String, String> metadata = new LinkedHashMap<>();

	/**
	 * Largest TXT record to publish. Metadata that does not fit is left out (and logged);
	 * DNS-SD advises at most 1300 bytes so that a record fits one packet.
	 */
	private DataSize maxTxtSize = DataSize.ofBytes(1300);

	/**
	 * Order of the discovery client among other discovery clients.
	 */
	private int order = 0;

	/**
	 * How often the local view is reconciled with the mDNS cache, which is when goodbyes
	 * and expired records take effect.
	 */
	private Duration sweepInterval = Duration.ofMillis(100);

	/**
	 * How long shutdown waits after the goodbye before the web server stops taking
	 * requests, so that peers (which drop a departed instance at their next sweep) no
	 * longer choose this instance when its listener closes. Zero to go on at once.
	 */
	private Duration shutdownDelay = Duration.ofSeconds(1);

	/**
	 * How long the first lookup of a service nobody has asked for yet waits for its
	 * instances to answer. Later lookups answer from memory at once.
	 */
	private Duration firstLookupTimeout = Duration.ofSeconds(1);

	/**
	 * How long closing waits for the mDNS engine to stop before leaving it to finish in
	 * the background. Goodbyes are sent before this wait.
	 */
	private Duration closeTimeout = Duration.ofSeconds(1);

	/**
	 * Most services heard on the network that the local view follows, and separately the
	 * most services the application looks up; more are ignored (and logged).
	 */
	private int maxServices = 256;

	/**
	 * Most instances the local view keeps across all services; more are ignored (and
	 * logged).
	 */
	private int maxInstances = 4096;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getAddress() {
		return this.address;
	}

	public void setAddress(@Nullable String address) {
		this.address = address;
	}

	public @Nullable String getNetworkInterface() {
		return this.networkInterface;
	}

	public void setNetworkInterface(@Nullable String networkInterface) {
		this.networkInterface = networkInterface;
	}

	public String getDomain() {
		return this.domain;
	}

	public void setDomain(String domain) {
		this.domain = domain;
	}

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		this.ttl = ttl;
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

	public Map<String, String> getMetadata() {
		return this.metadata;
	}

	public void setMetadata(Map<String, String> metadata) {
		this.metadata = metadata;
	}

	public DataSize getMaxTxtSize() {
		return this.maxTxtSize;
	}

	public void setMaxTxtSize(DataSize maxTxtSize) {
		this.maxTxtSize = maxTxtSize;
	}

	public int getOrder() {
		return this.order;
	}

	public void setOrder(int order) {
		this.order = order;
	}

	public Duration getSweepInterval() {
		return this.sweepInterval;
	}

	public void setSweepInterval(Duration sweepInterval) {
		this.sweepInterval = sweepInterval;
	}

	public Duration getFirstLookupTimeout() {
		return this.firstLookupTimeout;
	}

	public void setFirstLookupTimeout(Duration firstLookupTimeout) {
		this.firstLookupTimeout = firstLookupTimeout;
	}

	public Duration getShutdownDelay() {
		return this.shutdownDelay;
	}

	public void setShutdownDelay(Duration shutdownDelay) {
		this.shutdownDelay = shutdownDelay;
	}

	public Duration getCloseTimeout() {
		return this.closeTimeout;
	}

	public void setCloseTimeout(Duration closeTimeout) {
		this.closeTimeout = closeTimeout;
	}

	public int getMaxServices() {
		return this.maxServices;
	}

	public void setMaxServices(int maxServices) {
		this.maxServices = maxServices;
	}

	public int getMaxInstances() {
		return this.maxInstances;
	}

	public void setMaxInstances(int maxInstances) {
		this.maxInstances = maxInstances;
	}

	@Override
	public boolean supports(Class<?> type) {
		return MdnsDiscoveryProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values at binding, so that an invalid one fails start-up naming the
	 * property, its value and what it must be.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		if (this.ttl.isNegative() || this.ttl.isZero()) {
			errors.rejectValue("ttl", "invalid", "must be a positive duration");
		}
		if (this.maxTxtSize.toBytes() < 1) {
			errors.rejectValue("maxTxtSize", "invalid", "must be a positive size");
		}
		if (this.sweepInterval.isNegative() || this.sweepInterval.isZero()) {
			errors.rejectValue("sweepInterval", "invalid", "must be a positive duration");
		}
		if (this.firstLookupTimeout.isNegative()) {
			errors.rejectValue("firstLookupTimeout", "invalid", "must not be negative");
		}
		if (this.shutdownDelay.isNegative()) {
			errors.rejectValue("shutdownDelay", "invalid", "must not be negative");
		}
		if (this.closeTimeout.isNegative()) {
			errors.rejectValue("closeTimeout", "invalid", "must not be negative");
		}
		if (this.maxServices < 1) {
			errors.rejectValue("maxServices", "invalid", "must be at least 1");
		}
		if (this.maxInstances < 1) {
			errors.rejectValue("maxInstances", "invalid", "must be at least 1");
		}
	}

}
