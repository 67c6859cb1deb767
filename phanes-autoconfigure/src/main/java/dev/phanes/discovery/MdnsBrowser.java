package dev.phanes.discovery;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which services the view follows: every TCP service type of the domain heard on the
 * network, and every service the application asks for, each kind with its own
 * {@code maxServices} slots so that a flood of heard types cannot use up those of the
 * application. Browsing a service asks the network for it at once and tells the transport
 * to follow it; a first lookup completes when the service has instances or after the
 * first lookup timeout. Thread-safe.
 */
final class MdnsBrowser {

	private final MdnsTransport transport;

	private final String domain;

	private final Duration firstLookupTimeout;

	private final int maxServices;

	private final MdnsViewLimits limits;

	private final Runnable wake;

	private final Map<String, String> browsed = new ConcurrentHashMap<>();

	private final Map<String, CompletableFuture<Void>> firstLookups = new ConcurrentHashMap<>();

	private final AtomicInteger asked = new AtomicInteger();

	private final AtomicInteger heard = new AtomicInteger();

	private volatile boolean closed;

	/**
	 * Create a browser; it follows nothing until {@link #start()} or {@link #browse}.
	 * @param transport the engine to browse on
	 * @param domain the DNS-SD domain
	 * @param firstLookupTimeout how long a first lookup waits for instances
	 * @param maxServices the most services followed of each kind
	 * @param limits counts the services left out
	 * @param wake asks the view to read the cache again, when an instance is added,
	 * resolved or removed
	 */
	MdnsBrowser(MdnsTransport transport, String domain, Duration firstLookupTimeout, int maxServices,
			MdnsViewLimits limits, Runnable wake) {
		this.transport = transport;
		this.domain = domain;
		this.firstLookupTimeout = firstLookupTimeout;
		this.maxServices = maxServices;
		this.limits = limits;
		this.wake = wake;
	}

	/**
	 * Browse every TCP service type of the domain that shows up on the network, and ask
	 * the network for the list of types.
	 */
	void start() {
		this.transport.onServiceType(this::heard);
		this.transport.query("_services._dns-sd._udp." + this.domain + ".");
	}

	/**
	 * Browse a service the application asks for, if not done yet.
	 * @param serviceId a valid service id, lower case
	 * @return completes when the service has instances or the first lookup timeout has
	 * passed since browsing started, at once if the service cannot be browsed
	 */
	CompletableFuture<Void> browse(String serviceId) {
		return browse(serviceId, this.asked);
	}

	private void heard(String type) {
		String serviceId = DnsSd.serviceId(type, this.domain);
		if (serviceId != null && !this.closed) {
			browse(serviceId, this.heard);
		}
	}

	private CompletableFuture<Void> browse(String serviceId, AtomicInteger slots) {
		CompletableFuture<Void> first = this.firstLookups.get(serviceId);
		if (first != null) {
			return first;
		}
		if (slots.incrementAndGet() > this.maxServices) {
			slots.decrementAndGet();
			this.limits.ignored(1, "services", this.maxServices);
			return CompletableFuture.completedFuture(null);
		}
		CompletableFuture<Void> created = new CompletableFuture<>();
		first = this.firstLookups.putIfAbsent(serviceId, created);
		if (first != null) {
			slots.decrementAndGet();
			return first;
		}
		created.completeOnTimeout(null, this.firstLookupTimeout.toMillis(), TimeUnit.MILLISECONDS);
		String type = DnsSd.serviceType(serviceId, this.domain);
		this.browsed.put(serviceId, type);
		if (!this.closed) {
			this.transport.follow(type, this.wake);
			this.transport.query(type);
		}
		this.wake.run();
		return created;
	}

	/**
	 * Return whether a service is browsed.
	 * @param serviceId the service id, lower case
	 * @return whether its instances are followed
	 */
	boolean isBrowsed(String serviceId) {
		return this.browsed.containsKey(serviceId);
	}

	/**
	 * Return the browsed services.
	 * @return the DNS-SD service type of each browsed service id, a live view
	 */
	Map<String, String> browsed() {
		return Collections.unmodifiableMap(this.browsed);
	}

	/**
	 * Complete the first lookups of services that have instances.
	 * @param serviceIds the services with instances
	 */
	void found(Collection<String> serviceIds) {
		for (String serviceId : serviceIds) {
			CompletableFuture<Void> first = this.firstLookups.get(serviceId);
			if (first != null) {
				first.complete(null);
			}
		}
	}

	/**
	 * Stop browsing more services.
	 */
	void close() {
		this.closed = true;
	}

}
