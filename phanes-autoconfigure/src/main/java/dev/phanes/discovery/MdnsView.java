package dev.phanes.discovery;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The live local view of the services on the network: what {@code getInstances} answers
 * from, without a network round trip.
 * <p>
 * The view is read from the engine's record cache by one thread, every sweep interval and
 * at once when JmDNS reports a change, and compared with the previous one; listeners are
 * told the difference. Because the view follows the cache's state rather than a stream of
 * events, no change is lost: a listener that falls behind gets the net change. Two rules
 * make it faster than JmDNS's own events: a record that received a goodbye (which JmDNS
 * keeps for one more second, then reaps within ten) counts as gone at once, and an
 * expired record counts as gone at the next sweep.
 * <p>
 * The view composes its parts: {@link MdnsBrowser} (which services are followed),
 * {@link MdnsCacheReader} (the cache's records to instances, a pure function),
 * {@link MdnsResolveThrottle} (asking for instances announced without their records),
 * {@link DiscoveryViewPublisher} (the current snapshot and its changes) and
 * {@link MdnsSweeper} (the thread). Its methods are thread-safe; listeners are called on
 * the view's thread.
 */
public final class MdnsView implements AutoCloseable {

	private final MdnsTransport transport;

	private final MdnsViewLimits limits = new MdnsViewLimits();

	private final DiscoveryViewPublisher publisher = new DiscoveryViewPublisher("mDNS");

	private final MdnsCacheReader reader;

	private final int maxInstances;

	private final MdnsBrowser browser;

	private final MdnsSweeper sweeper;

	private final ExecutorService resolver;

	private final MdnsResolveThrottle resolves;

	private volatile boolean closed;

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
		this.maxInstances = maxInstances;
		this.reader = new MdnsCacheReader(maxInstances);
		this.sweeper = new MdnsSweeper(sweepInterval, this::sweep);
		this.browser = new MdnsBrowser(transport, domain, firstLookupTimeout, maxServices, this.limits, this::wake);
		this.resolver = Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, "phanes-mdns-resolve");
			thread.setDaemon(true);
			return thread;
		});
		this.resolves = new MdnsResolveThrottle(this.resolver, this::resolve, maxInstances);
	}

	/**
	 * Start browsing every TCP service type of the domain that shows up on the network.
	 */
	public void start() {
		this.sweeper.start();
		this.browser.start();
	}

	/**
	 * Add a listener told of each change of the view, on the view's thread.
	 * @param listener the listener
	 */
	public void addListener(DiscoveryListener listener) {
		this.publisher.addListener(listener);
	}

	/**
	 * Browse a service the application asks for, if not done yet. These have slots of
	 * their own: a flood of service types heard on the network cannot use them up.
	 * @param serviceId a valid service id
	 * @return completes when the service has instances or the first lookup timeout has
	 * passed since browsing started
	 */
	public CompletableFuture<Void> browse(String serviceId) {
		return this.browser.browse(serviceId);
	}

	/**
	 * Look a service up: its instances from memory, or, the first time a service is asked
	 * for and none is known yet, once the first lookup is over.
	 * @param serviceId a service id, in any case; one that cannot be a DNS-SD service
	 * name has no instances
	 * @return the instances, sorted by instance id
	 */
	public CompletableFuture<List<DiscoveredInstance>> lookup(String serviceId) {
		String id = serviceId.toLowerCase(Locale.ROOT);
		if (!DnsSd.isServiceId(id)) {
			return CompletableFuture.completedFuture(List.of());
		}
		CompletableFuture<Void> firstLookup = browse(id);
		List<DiscoveredInstance> instances = instances(id);
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
		return this.browser.isBrowsed(serviceId);
	}

	/**
	 * Return the services that have instances.
	 * @return the service ids, sorted
	 */
	public List<String> services() {
		return List.copyOf(this.publisher.current().keySet());
	}

	/**
	 * Return the instances of a service, from memory.
	 * @param serviceId the service id, lower case
	 * @return the instances, sorted by instance id
	 */
	public List<DiscoveredInstance> instances(String serviceId) {
		return this.publisher.current().getOrDefault(serviceId, List.of());
	}

	/**
	 * Return how many instances the view holds.
	 * @return the count over all services
	 */
	public int instanceCount() {
		int count = 0;
		for (List<DiscoveredInstance> instances : this.publisher.current().values()) {
			count += instances.size();
		}
		return count;
	}

	/**
	 * Return the number of the current view; it grows with each change.
	 * @return the version
	 */
	public long version() {
		return this.publisher.version();
	}

	/**
	 * Return how many services or instances were left out because the view was full.
	 * @return the count
	 */
	public long ignoredCount() {
		return this.limits.ignoredCount();
	}

	/**
	 * Reconcile with the cache now rather than at the next sweep.
	 */
	public void wake() {
		this.sweeper.wake();
	}

	@Override
	public void close() {
		this.closed = true;
		this.browser.close();
		this.resolver.shutdownNow();
		this.sweeper.close();
	}

	/**
	 * Read the cache, ask for what is unresolved, publish the new view and complete the
	 * first lookups it answers.
	 * @return whether some instance is announced but not yet resolved
	 */
	boolean sweep() {
		long now = System.currentTimeMillis();
		MdnsCacheReader.Reading reading = this.reader.read(this.browser.browsed(), this.transport.records(), now);
		this.limits.ignored(reading.ignored(), "instances", this.maxInstances);
		for (MdnsCacheReader.Unresolved unresolved : reading.unresolved()) {
			this.resolves.request(unresolved.type(), unresolved.name(), now);
		}
		this.publisher.publish(reading.services());
		// after publishing: a first lookup waiting on these reads the new view
		this.browser.found(reading.services().keySet());
		return reading.pending();
	}

	private void resolve(String type, String name) {
		if (!this.closed) {
			this.transport.resolve(type, name);
			wake();
		}
	}

}
