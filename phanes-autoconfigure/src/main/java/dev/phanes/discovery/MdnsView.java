package dev.phanes.discovery;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import javax.jmdns.ServiceTypeListener;
import javax.jmdns.impl.DNSCache;
import javax.jmdns.impl.DNSEntry;
import javax.jmdns.impl.DNSRecord;
import javax.jmdns.impl.constants.DNSConstants;
import javax.jmdns.impl.constants.DNSRecordClass;
import javax.jmdns.impl.constants.DNSRecordType;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The live local view of the services on the network: what {@code getInstances} answers
 * from, without a network round trip.
 * <p>
 * The view is rebuilt from the JmDNS record cache by one thread, every sweep interval and
 * at once when JmDNS reports a change, and compared with the previous one; listeners are
 * told the difference. Because the view follows the cache's state rather than a stream of
 * events, no change is lost: a listener that falls behind gets the net change. Two rules
 * make it faster than JmDNS's own events: a record that received a goodbye (which JmDNS
 * keeps for one more second, then reaps within ten) counts as gone at once, and an
 * expired record counts as gone at the next sweep.
 */
public final class MdnsView implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(MdnsView.class);

	private static final long LIMIT_LOG_INTERVAL_MILLIS = TimeUnit.MINUTES.toMillis(1);

	private static final long RESOLVE_INTERVAL_MILLIS = 2000;

	private final MdnsTransport transport;

	private final String domain;

	private final Duration sweepInterval;

	private final Duration firstLookupTimeout;

	private final int maxServices;

	private final int maxInstances;

	private final Map<String, String> browsed = new ConcurrentHashMap<>();

	private final Map<String, CompletableFuture<Void>> firstLookups = new ConcurrentHashMap<>();

	private final Map<String, Long> resolveRequests = new ConcurrentHashMap<>();

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	private final Semaphore wakeups = new Semaphore(0);

	private final Thread sweeper;

	private final ExecutorService resolver;

	private final ServiceListener serviceListener = new Wakeup();

	private final AtomicInteger asked = new AtomicInteger();

	private final AtomicInteger heard = new AtomicInteger();

	private final AtomicLong added = new AtomicLong();

	private final AtomicLong removed = new AtomicLong();

	private final AtomicLong ignored = new AtomicLong();

	private volatile Map<String, List<MdnsServiceInstance>> view = Map.of();

	private volatile long version;

	private volatile boolean closed;

	private long lastLimitLog;

	/**
	 * Create a view; it browses nothing until {@link #start()}.
	 * @param transport the engine to read
	 * @param domain the DNS-SD domain
	 * @param sweepInterval how often to reconcile with the cache
	 * @param firstLookupTimeout how long a first lookup of a service waits for answers
	 * @param maxServices the most services followed of those heard on the network, and as
	 * many of those the application asks for
	 * @param maxInstances the most instances kept, over all services
	 */
	public MdnsView(MdnsTransport transport, String domain, Duration sweepInterval, Duration firstLookupTimeout,
			int maxServices, int maxInstances) {
		this.transport = transport;
		this.domain = domain;
		this.sweepInterval = sweepInterval;
		this.firstLookupTimeout = firstLookupTimeout;
		this.maxServices = maxServices;
		this.maxInstances = maxInstances;
		this.sweeper = new Thread(this::run, "phanes-mdns-view");
		this.sweeper.setDaemon(true);
		this.resolver = Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, "phanes-mdns-resolve");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Start browsing every TCP service type of the domain that shows up on the network.
	 */
	public void start() {
		this.sweeper.start();
		this.transport.jmdns().addServiceTypeListener(new TypeListener());
		this.transport.query("_services._dns-sd._udp." + this.domain + ".");
	}

	/**
	 * Add a listener told of each change of the view, on the view's thread.
	 * @param listener the listener
	 */
	public void addListener(Listener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Browse a service the application asks for, if not done yet. These have slots of
	 * their own: a flood of service types heard on the network cannot use them up.
	 * @param serviceId a valid service id
	 * @return completes when the service has instances or the first lookup timeout has
	 * passed since browsing started
	 */
	public CompletableFuture<Void> browse(String serviceId) {
		return browse(serviceId, this.asked);
	}

	private CompletableFuture<Void> browse(String serviceId, AtomicInteger slots) {
		CompletableFuture<Void> first = this.firstLookups.get(serviceId);
		if (first != null) {
			return first;
		}
		if (slots.incrementAndGet() > this.maxServices) {
			slots.decrementAndGet();
			this.ignored.incrementAndGet();
			logLimit("services", this.maxServices);
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
			this.transport.jmdns().addServiceListener(type, this.serviceListener);
			this.transport.query(type);
		}
		wake();
		return created;
	}

	/**
	 * Look a service up: its instances from memory, or, the first time a service is asked
	 * for and none is known yet, once the first lookup is over.
	 * @param serviceId a service id, in any case; one that cannot be a DNS-SD service
	 * name has no instances
	 * @return the instances, sorted by instance id
	 */
	public CompletableFuture<List<MdnsServiceInstance>> lookup(String serviceId) {
		String id = serviceId.toLowerCase(Locale.ROOT);
		if (!DnsSd.isServiceId(id)) {
			return CompletableFuture.completedFuture(List.of());
		}
		CompletableFuture<Void> firstLookup = browse(id);
		List<MdnsServiceInstance> instances = instances(id);
		if (!instances.isEmpty() || firstLookup.isDone()) {
			return CompletableFuture.completedFuture(instances);
		}
		return firstLookup.thenApply((done) -> instances(id));
	}

	/**
	 * Return whether a service is browsed.
	 * @param serviceId the service id
	 * @return whether its instances are followed
	 */
	public boolean isBrowsed(String serviceId) {
		return this.browsed.containsKey(serviceId);
	}

	/**
	 * Return the services that have instances.
	 * @return the service ids, sorted
	 */
	public List<String> services() {
		return List.copyOf(this.view.keySet());
	}

	/**
	 * Return the instances of a service, from memory.
	 * @param serviceId the service id, lower case
	 * @return the instances, sorted by instance id
	 */
	public List<MdnsServiceInstance> instances(String serviceId) {
		return this.view.getOrDefault(serviceId, List.of());
	}

	/**
	 * Return how many instances the view holds.
	 * @return the count over all services
	 */
	public int instanceCount() {
		int count = 0;
		for (List<MdnsServiceInstance> instances : this.view.values()) {
			count += instances.size();
		}
		return count;
	}

	/**
	 * Return the number of the current view; it grows with each change.
	 * @return the version
	 */
	public long version() {
		return this.version;
	}

	/**
	 * Return how many instances have appeared in the view.
	 * @return the count
	 */
	public long addedCount() {
		return this.added.get();
	}

	/**
	 * Return how many instances have left the view.
	 * @return the count
	 */
	public long removedCount() {
		return this.removed.get();
	}

	/**
	 * Return how many services or instances were left out because the view was full.
	 * @return the count
	 */
	public long ignoredCount() {
		return this.ignored.get();
	}

	/**
	 * Reconcile with the cache now rather than at the next sweep.
	 */
	public void wake() {
		this.wakeups.release();
	}

	@Override
	public void close() {
		this.closed = true;
		wake();
		this.resolver.shutdownNow();
		try {
			this.sweeper.join(1000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void run() {
		long interval = this.sweepInterval.toNanos();
		while (!this.closed) {
			boolean pending;
			try {
				pending = sweep();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not update the mDNS view", ex);
				pending = false;
			}
			try {
				long wait = pending ? Math.min(interval, TimeUnit.MILLISECONDS.toNanos(10)) : interval;
				this.wakeups.tryAcquire(wait, TimeUnit.NANOSECONDS);
				this.wakeups.drainPermits();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * Rebuild the view from the cache and tell listeners what changed.
	 * @return whether some instance is announced but not yet resolved
	 */
	boolean sweep() {
		long now = System.currentTimeMillis();
		DNSCache cache = this.transport.cache();
		Map<String, List<MdnsServiceInstance>> next = new TreeMap<>();
		boolean pending = false;
		int count = 0;
		for (Map.Entry<String, String> service : this.browsed.entrySet()) {
			String serviceId = service.getKey();
			String type = service.getValue();
			// by instance id: sorted, and one entry per instance however many pointers
			// name it
			Map<String, MdnsServiceInstance> instances = new TreeMap<>();
			for (DNSEntry entry : cache.getDNSEntryList(type, DNSRecordType.TYPE_PTR, DNSRecordClass.CLASS_IN)) {
				DNSRecord pointer = live(entry, now);
				if (pointer == null) {
					continue;
				}
				if (count >= this.maxInstances) {
					this.ignored.incrementAndGet();
					logLimit("instances", this.maxInstances);
					break;
				}
				String name = pointer.getServiceInfo().getName();
				MdnsServiceInstance instance = read(cache, serviceId, type, name, now);
				if (instance == null) {
					if (!saidGoodbye(cache, name + "." + type)) {
						pending = true;
						requestResolution(type, name, now);
					}
				}
				else if (instances.putIfAbsent(instance.instanceId(), instance) == null) {
					count++;
				}
			}
			if (!instances.isEmpty()) {
				next.put(serviceId, List.copyOf(instances.values()));
				CompletableFuture<Void> first = this.firstLookups.get(serviceId);
				if (first != null) {
					first.complete(null);
				}
			}
		}
		publish(Collections.unmodifiableMap(next));
		return pending;
	}

	private @Nullable MdnsServiceInstance read(DNSCache cache, String serviceId, String type, String name, long now) {
		String qualified = name + "." + type;
		DNSRecord service = liveOne(cache.getDNSEntryList(qualified, DNSRecordType.TYPE_SRV, DNSRecordClass.CLASS_IN),
				now);
		if (service == null) {
			return null;
		}
		ServiceInfo serviceInfo = service.getServiceInfo();
		String address = address(cache, serviceInfo.getServer(), now);
		if (address == null) {
			return null;
		}
		Map<String, String> metadata = new LinkedHashMap<>();
		boolean secure = false;
		DNSRecord text = liveOne(cache.getDNSEntryList(qualified, DNSRecordType.TYPE_TXT, DNSRecordClass.CLASS_IN),
				now);
		if (text == null) {
			// DNS-SD publishes a TXT record with every service: without it, whether to
			// call
			// over HTTPS is not known yet
			return null;
		}
		ServiceInfo textInfo = text.getServiceInfo();
		Enumeration<String> keys = textInfo.getPropertyNames();
		while (keys.hasMoreElements()) {
			String key = keys.nextElement();
			String value = textInfo.getPropertyString(key);
			if (DnsSd.SECURE_KEY.equalsIgnoreCase(key)) {
				secure = Boolean.parseBoolean(value);
			}
			else if (value != null) {
				metadata.put(key, value);
			}
		}
		return new MdnsServiceInstance(serviceId, name, address, serviceInfo.getPort(), secure, metadata);
	}

	/**
	 * Return whether an instance's SRV record received a goodbye: a PTR still heard for
	 * it (a peer answering while it unregisters) does not make it pending again.
	 */
	private static boolean saidGoodbye(DNSCache cache, String qualified) {
		for (DNSEntry entry : cache.getDNSEntryList(qualified, DNSRecordType.TYPE_SRV, DNSRecordClass.CLASS_IN)) {
			if (entry instanceof DNSRecord record && record.getTTL() <= DNSConstants.RECORD_EXPIRY_DELAY) {
				return true;
			}
		}
		return false;
	}

	private @Nullable String address(DNSCache cache, String server, long now) {
		DNSRecord newest = liveOne(cache.getDNSEntryList(server, DNSRecordType.TYPE_A, DNSRecordClass.CLASS_IN), now);
		if (newest == null) {
			newest = liveOne(cache.getDNSEntryList(server, DNSRecordType.TYPE_AAAA, DNSRecordClass.CLASS_IN), now);
		}
		if (newest == null) {
			return null;
		}
		InetAddress[] addresses = newest.getServiceInfo().getInetAddresses();
		return (addresses.length > 0) ? addresses[0].getHostAddress() : null;
	}

	private static @Nullable DNSRecord liveOne(Collection<? extends DNSEntry> entries, long now) {
		DNSRecord newest = null;
		for (DNSEntry entry : entries) {
			DNSRecord record = live(entry, now);
			if (record != null && (newest == null || record.getCreated() > newest.getCreated())) {
				newest = record;
			}
		}
		return newest;
	}

	/**
	 * Return a record if it still counts: of class IN (the cache matches class ANY to any
	 * class) and {@link MdnsTransport#isCurrent current}.
	 */
	private static @Nullable DNSRecord live(DNSEntry entry, long now) {
		if (entry instanceof DNSRecord record && record.getRecordClass() == DNSRecordClass.CLASS_IN
				&& MdnsTransport.isCurrent(record, now)) {
			return record;
		}
		return null;
	}

	private void requestResolution(String type, String name, long now) {
		String key = name + "." + type;
		Long last = this.resolveRequests.get(key);
		if (last != null && now - last < RESOLVE_INTERVAL_MILLIS) {
			return;
		}
		this.resolveRequests.put(key, now);
		if (this.resolveRequests.size() > this.maxInstances) {
			this.resolveRequests.values().removeIf((time) -> now - time > RESOLVE_INTERVAL_MILLIS);
		}
		try {
			this.resolver.execute(() -> {
				if (!this.closed) {
					this.transport.jmdns().requestServiceInfo(type, name, false, 200);
					wake();
				}
			});
		}
		catch (RuntimeException ex) {
			// closing
		}
	}

	private void publish(Map<String, List<MdnsServiceInstance>> next) {
		Map<String, List<MdnsServiceInstance>> previous = this.view;
		if (previous.equals(next)) {
			return;
		}
		Map<String, MdnsServiceInstance> before = index(previous);
		Map<String, MdnsServiceInstance> after = index(next);
		List<MdnsServiceInstance> appeared = new ArrayList<>();
		List<MdnsServiceInstance> changed = new ArrayList<>();
		List<MdnsServiceInstance> left = new ArrayList<>();
		after.forEach((key, instance) -> {
			MdnsServiceInstance old = before.get(key);
			if (old == null) {
				appeared.add(instance);
			}
			else if (!old.equals(instance)) {
				changed.add(instance);
			}
		});
		before.forEach((key, instance) -> {
			if (!after.containsKey(key)) {
				left.add(instance);
			}
		});
		this.view = next;
		this.version++;
		this.added.addAndGet(appeared.size());
		this.removed.addAndGet(left.size());
		Change change = new Change(this.version, List.copyOf(appeared), List.copyOf(changed), List.copyOf(left));
		if (logger.isDebugEnabled()) {
			logger.debug("mDNS view changed: " + change);
		}
		for (Listener listener : this.listeners) {
			try {
				listener.viewChanged(change);
			}
			catch (RuntimeException ex) {
				logger.warn("mDNS view listener failed", ex);
			}
		}
	}

	private static Map<String, MdnsServiceInstance> index(Map<String, List<MdnsServiceInstance>> view) {
		Map<String, MdnsServiceInstance> index = new HashMap<>();
		view.forEach((serviceId, instances) -> instances
			.forEach((instance) -> index.put(serviceId + "/" + instance.instanceId(), instance)));
		return index;
	}

	private synchronized void logLimit(String what, int limit) {
		long now = System.currentTimeMillis();
		if (now - this.lastLimitLog >= LIMIT_LOG_INTERVAL_MILLIS) {
			this.lastLimitLog = now;
			logger.warn("mDNS view is full (" + limit + " " + what + "); ignoring more (" + this.ignored.get()
					+ " so far). Raise phanes.discovery.mdns.max-" + what + " if the network really has that many");
		}
	}

	/**
	 * Told of each change of the view.
	 */
	@FunctionalInterface
	public interface Listener {

		/**
		 * Called on the view's thread after the view changed.
		 * @param change the difference from the previous view
		 */
		void viewChanged(Change change);

	}

	/**
	 * A change of the view.
	 *
	 * @param version the number of the new view
	 * @param added instances that appeared
	 * @param updated instances whose address, port or metadata changed (new values)
	 * @param removed instances that left, by goodbye or expiry
	 */
	public record Change(long version, List<MdnsServiceInstance> added, List<MdnsServiceInstance> updated,
			List<MdnsServiceInstance> removed) {

	}

	private final class TypeListener implements ServiceTypeListener {

		@Override
		public void serviceTypeAdded(ServiceEvent event) {
			String serviceId = DnsSd.serviceId(event.getType(), MdnsView.this.domain);
			if (serviceId != null && !MdnsView.this.closed) {
				browse(serviceId, MdnsView.this.heard);
			}
		}

		@Override
		public void subTypeForServiceTypeAdded(ServiceEvent event) {
		}

	}

	private final class Wakeup implements ServiceListener {

		@Override
		public void serviceAdded(ServiceEvent event) {
			wake();
		}

		@Override
		public void serviceRemoved(ServiceEvent event) {
			wake();
		}

		@Override
		public void serviceResolved(ServiceEvent event) {
			wake();
		}

	}

}
