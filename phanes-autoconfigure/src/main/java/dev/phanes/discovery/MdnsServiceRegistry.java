package dev.phanes.discovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.jmdns.ServiceInfo;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cloud.client.serviceregistry.ServiceRegistry;

/**
 * Registers instances as DNS-SD services (PTR, SRV, TXT and A/AAAA records) on the mDNS
 * engine, announcing them at once and saying goodbye (TTL 0) on deregistration.
 * <p>
 * {@link #close()} deregisters what is still registered but leaves the engine running:
 * while the web server drains in-flight requests, they may still call peers.
 */
public class MdnsServiceRegistry implements ServiceRegistry<MdnsRegistration> {

	/**
	 * Status of a registration peers can see.
	 */
	public static final String UP = "UP";

	/**
	 * Status of a registration taken off the network (by goodbye) but kept.
	 */
	public static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";

	/**
	 * Status of a registration whose name another instance on the network claimed while
	 * JmDNS was probing it; it is taken off the network.
	 */
	public static final String CONFLICT = "CONFLICT";

	private static final long CONFLICT_CHECK_DELAY_MILLIS = 3000;

	private static final Log logger = LogFactory.getLog(MdnsServiceRegistry.class);

	private final MdnsTransport transport;

	private final MdnsView view;

	private final String domain;

	private final int maxTxtBytes;

	private final Map<MdnsRegistration, ServiceInfo> registered = new ConcurrentHashMap<>();

	private final Map<MdnsRegistration, String> statuses = new ConcurrentHashMap<>();

	/**
	 * Create a registry.
	 * @param transport the engine to publish on
	 * @param view the view, which starts browsing each registered service
	 * @param domain the DNS-SD domain
	 * @param maxTxtBytes the largest TXT record to publish
	 */
	public MdnsServiceRegistry(MdnsTransport transport, MdnsView view, String domain, int maxTxtBytes) {
		this.transport = transport;
		this.view = view;
		this.domain = domain;
		this.maxTxtBytes = maxTxtBytes;
	}

	@Override
	public void register(MdnsRegistration registration) {
		if (registration.getPort() <= 0) {
			throw new IllegalStateException("Cannot register " + registration + " before its port is known");
		}
		synchronized (this.registered) {
			ServiceInfo previous = this.registered.remove(registration);
			if (previous != null) {
				this.transport.unregister(previous);
			}
			publish(registration);
			this.statuses.put(registration, UP);
		}
		this.view.browse(registration.getServiceId());
	}

	/**
	 * JmDNS probes a name after announcing it and renames the service silently if another
	 * host answers for it; a renamed instance is not the one configured, so it is taken
	 * off the network and reported.
	 */
	private void checkNameLater(MdnsRegistration registration, ServiceInfo info) {
		CompletableFuture.delayedExecutor(CONFLICT_CHECK_DELAY_MILLIS, TimeUnit.MILLISECONDS).execute(() -> {
			synchronized (this.registered) {
				if (this.registered.get(registration) != info || info.getName().equals(registration.getInstanceId())) {
					return;
				}
				logger.error(
						"Instance id '" + registration.getInstanceId() + "' of service '" + registration.getServiceId()
								+ "' is in use by another host; JmDNS renamed it to '" + info.getName()
								+ "'. Taking it off the network: set a unique phanes.discovery.mdns.instance-id");
				this.transport.unregister(info);
				this.statuses.put(registration, CONFLICT);
			}
		});
	}

	/**
	 * Announce a registration as a new service info, keep it, and check its name once
	 * JmDNS has probed it. Called holding the lock on {@code registered}.
	 */
	private void publish(MdnsRegistration registration) {
		DnsSd.Txt txt = DnsSd.txt(registration.isSecure(), registration.getMetadata(), this.maxTxtBytes);
		if (!txt.dropped().isEmpty()) {
			logger.warn("Metadata " + txt.dropped() + " of " + registration
					+ " left out of its TXT record: keys must be printable ASCII without '=', each key=value at most "
					+ DnsSd.MAX_TXT_STRING_BYTES + " bytes and the record at most " + this.maxTxtBytes
					+ " bytes (phanes.discovery.mdns.max-txt-size)");
		}
		// A new ServiceInfo each time: JmDNS accepts an info once, on one engine only
		ServiceInfo info = ServiceInfo.create(DnsSd.serviceType(registration.getServiceId(), this.domain),
				registration.getInstanceId(), registration.getPort(), 0, 0, txt.entries());
		try {
			this.transport.register(info);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not announce " + registration + " over mDNS", ex);
		}
		this.registered.put(registration, info);
		checkNameLater(registration, info);
	}

	@Override
	public void deregister(MdnsRegistration registration) {
		ServiceInfo info;
		synchronized (this.registered) {
			info = this.registered.remove(registration);
			this.statuses.remove(registration);
		}
		if (info != null) {
			this.transport.unregister(info);
		}
	}

	@Override
	public void close() {
		for (MdnsRegistration registration : this.registered.keySet()) {
			deregister(registration);
		}
	}

	/**
	 * Take a registration off the network ({@code OUT_OF_SERVICE} or {@code DOWN}) or put
	 * it back ({@code UP}).
	 */
	@Override
	public void setStatus(MdnsRegistration registration, String status) {
		String normalized = status.toUpperCase(Locale.ROOT);
		synchronized (this.registered) {
			if (!this.statuses.containsKey(registration)) {
				throw new IllegalStateException(registration + " is not registered");
			}
			if (UP.equals(normalized)) {
				if (!UP.equals(this.statuses.get(registration))) {
					publish(registration);
				}
				this.statuses.put(registration, UP);
			}
			else if (OUT_OF_SERVICE.equals(normalized) || "DOWN".equals(normalized)) {
				ServiceInfo info = this.registered.get(registration);
				if (UP.equals(this.statuses.get(registration)) && info != null) {
					this.transport.unregister(info);
				}
				this.statuses.put(registration, normalized);
			}
			else {
				throw new IllegalArgumentException(
						"Unknown status '" + status + "': use " + UP + ", " + OUT_OF_SERVICE + " or DOWN");
			}
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T getStatus(MdnsRegistration registration) {
		return (T) this.statuses.get(registration);
	}

	/**
	 * Return the registrations taken off the network because their name was in use.
	 * @return the registrations in conflict
	 */
	public List<MdnsRegistration> conflicts() {
		return this.statuses.entrySet()
			.stream()
			.filter((entry) -> CONFLICT.equals(entry.getValue()))
			.map(Map.Entry::getKey)
			.toList();
	}

	/**
	 * Return the DNS-SD instance names registered and up.
	 * @return the qualified names
	 */
	public List<String> registeredNames() {
		return this.registered.entrySet()
			.stream()
			.filter((entry) -> UP.equals(this.statuses.get(entry.getKey())))
			.map((entry) -> entry.getValue().getQualifiedName())
			.sorted()
			.toList();
	}

}
