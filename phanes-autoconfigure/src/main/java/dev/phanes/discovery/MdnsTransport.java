package dev.phanes.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import javax.jmdns.ServiceTypeListener;
import javax.jmdns.impl.DNSOutgoing;
import javax.jmdns.impl.DNSQuestion;
import javax.jmdns.impl.DNSRecord;
import javax.jmdns.impl.JmDNSImpl;
import javax.jmdns.impl.ServiceInfoImpl;
import javax.jmdns.impl.constants.DNSConstants;
import javax.jmdns.impl.constants.DNSRecordClass;
import javax.jmdns.impl.constants.DNSRecordType;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * One JmDNS engine bound to one address, shared by the registry and the view, and the
 * only class (with {@link JmdnsRecords}, which reads its cache) that uses JmDNS's
 * implementation classes: the others get records as values and ask through the small API
 * here. Besides what JmDNS does, it announces a registered service at once (JmDNS
 * announces only after it has probed, about two seconds later) and says goodbye at once
 * (JmDNS repeats the goodbye for two seconds while the caller waits).
 */
public final class MdnsTransport implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(MdnsTransport.class);

	private static final long EARLY_ANNOUNCEMENT_INTERVAL_MILLIS = 500;

	private static final int MAX_EARLY_ANNOUNCEMENTS = 12;

	private static final long UNREGISTER_WAIT_MILLIS = DNSConstants.CLOSE_TIMEOUT + 1000;

	private static final boolean LOGBACK_PRESENT = ClassUtils.isPresent("ch.qos.logback.classic.LoggerContext",
			MdnsTransport.class.getClassLoader());

	private static final int RESOLVE_TIMEOUT_MILLIS = 200;

	private final JmDNSImpl jmdns;

	private final JmdnsRecords records;

	private final InetAddress address;

	private final Duration closeTimeout;

	private final AtomicLong announcements = new AtomicLong();

	private final AtomicLong goodbyes = new AtomicLong();

	private final ScheduledExecutorService announcer = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "phanes-mdns-announce");
		thread.setDaemon(true);
		return thread;
	});

	private final Set<ServiceInfo> registered = ConcurrentHashMap.newKeySet();

	private final Map<String, Thread> unregistering = new ConcurrentHashMap<>();

	private volatile boolean closed;

	private volatile boolean failed;

	private MdnsTransport(JmDNSImpl jmdns, InetAddress address, Duration closeTimeout) {
		this.jmdns = jmdns;
		this.records = new JmdnsRecords(jmdns.getCache());
		this.address = address;
		this.closeTimeout = closeTimeout;
		jmdns.setDelegate((dns, infos) -> {
			this.failed = true;
			logger.error("mDNS on " + address.getHostAddress() + " stopped: JmDNS could not recover from a network "
					+ "error (was the interface taken down?). Discovery and registration are off until restart");
		});
	}

	/**
	 * Start a JmDNS engine on an address. Its host name is {@code phanes-} and a random
	 * suffix, so that no reverse DNS lookup delays start-up and two engines on one host
	 * do not claim the same name.
	 * @param address the address of the interface to use
	 * @param closeTimeout how long {@link #close()} waits for the engine
	 * @return the transport
	 * @throws IOException if the multicast socket cannot be opened
	 */
	public static MdnsTransport open(InetAddress address, Duration closeTimeout) throws IOException {
		byte[] suffix = new byte[4];
		ThreadLocalRandom.current().nextBytes(suffix);
		String hostLabel = "phanes-" + HexFormat.of().formatHex(suffix);
		InetAddress named = InetAddress.getByAddress(hostLabel, address.getAddress());
		JmDNSImpl jmdns = (JmDNSImpl) JmDNS.create(named, hostLabel);
		if (LOGBACK_PRESENT) {
			JmdnsLogThrottle.install();
		}
		return new MdnsTransport(jmdns, address, closeTimeout);
	}

	/**
	 * Return the TTL, in seconds, of the records this JVM's JmDNS publishes. JmDNS reads
	 * it once per JVM from the {@code net.dns.ttl} system property.
	 * @return the record TTL in seconds
	 */
	public static int recordTtlSeconds() {
		return DNSConstants.DNS_TTL;
	}

	/**
	 * Return the address multicast DNS is bound to.
	 * @return the address
	 */
	public InetAddress address() {
		return this.address;
	}

	/**
	 * Return the network interface multicast DNS uses.
	 * @return the interface, or {@code null} if JmDNS could not tell
	 */
	public NetworkInterface networkInterface() {
		return this.jmdns.getLocalHost().getInterface();
	}

	/**
	 * Return the host name the engine publishes its address under.
	 * @return the host name, ending in {@code .local.}
	 */
	public String hostName() {
		return this.jmdns.getLocalHost().getName();
	}

	/**
	 * Return the records the engine has heard of, as values.
	 * @return the cache's records
	 */
	MdnsRecords records() {
		return this.records;
	}

	/**
	 * Tell a listener of each service type heard on the network (the DNS-SD meta-query's
	 * answers and every PTR record's type).
	 * @param listener called on a JmDNS thread with the fully qualified type
	 */
	void onServiceType(Consumer<String> listener) {
		this.jmdns.addServiceTypeListener(new ServiceTypeListener() {

			@Override
			public void serviceTypeAdded(ServiceEvent event) {
				listener.accept(event.getType());
			}

			@Override
			public void subTypeForServiceTypeAdded(ServiceEvent event) {
			}

		});
	}

	/**
	 * Follow the instances of a service type: JmDNS then asks for them and answers its
	 * own questions for the records they lack.
	 * @param type the fully qualified service type
	 * @param onChange called on a JmDNS thread when an instance is added, resolved or
	 * removed
	 */
	void follow(String type, Runnable onChange) {
		this.jmdns.addServiceListener(type, new ServiceListener() {

			@Override
			public void serviceAdded(ServiceEvent event) {
				onChange.run();
			}

			@Override
			public void serviceRemoved(ServiceEvent event) {
				onChange.run();
			}

			@Override
			public void serviceResolved(ServiceEvent event) {
				onChange.run();
			}

		});
	}

	/**
	 * Ask the network for the SRV, TXT and address records of an instance announced
	 * without them, waiting up to {@value #RESOLVE_TIMEOUT_MILLIS} ms; answers reach the
	 * cache.
	 * @param type the fully qualified service type
	 * @param name the instance name
	 */
	void resolve(String type, String name) {
		this.jmdns.requestServiceInfo(type, name, false, RESOLVE_TIMEOUT_MILLIS);
	}

	/**
	 * Return whether the engine still publishes an instance of a name: registered, or
	 * still repeating its goodbye after {@link #unregister}.
	 * @param instanceName the instance name
	 * @return whether JmDNS still holds it
	 */
	public boolean publishes(String instanceName) {
		return this.jmdns.getServices().values().stream().anyMatch((info) -> info.getName().equals(instanceName));
	}

	/**
	 * Return JmDNS's engine, for tests of this package that look at JmDNS's own state
	 * (its cache, its threads, its listeners). Everything else uses the methods above:
	 * {@code javax.jmdns.impl} stays inside the transport.
	 * @return the engine
	 */
	JmDNSImpl engine() {
		return this.jmdns;
	}

	/**
	 * Return whether the engine is open and its socket usable.
	 * @return whether it is open
	 */
	public boolean isOpen() {
		MulticastSocket socket = this.jmdns.getSocket();
		return !this.closed && !this.failed && !this.jmdns.isCanceling() && !this.jmdns.isCanceled()
				&& !this.jmdns.isClosing() && !this.jmdns.isClosed() && socket != null && !socket.isClosed();
	}

	/**
	 * Check that the engine is open, for a discovery client's probe.
	 * @throws IllegalStateException if it is not
	 */
	public void checkOpen() {
		if (!isOpen()) {
			throw new IllegalStateException("mDNS socket on " + this.address.getHostAddress() + " is closed");
		}
	}

	/**
	 * Return how many announcements Phanes sent.
	 * @return the count
	 */
	public long announcements() {
		return this.announcements.get();
	}

	/**
	 * Return how many goodbyes Phanes sent.
	 * @return the count
	 */
	public long goodbyes() {
		return this.goodbyes.get();
	}

	/**
	 * Register a service and announce it at once.
	 * @param info a service info not registered before
	 * @throws IOException if the announcement cannot be sent
	 * @throws IllegalStateException if its name is taken on the network (JmDNS would
	 * rename it silently; it is unregistered instead)
	 */
	public void register(ServiceInfo info) throws IOException {
		String name = info.getName();
		awaitUnregistration(info);
		String owner = liveOwner(info);
		if (owner != null) {
			throw new IllegalStateException(
					"Instance name '" + name + "' of " + info.getType() + " is already in use on the network (by "
							+ owner + "); set a unique phanes.discovery.mdns.instance-id");
		}
		this.jmdns.registerService(info);
		if (!info.getName().equals(name)) {
			this.jmdns.unregisterService(info);
			throw new IllegalStateException("Instance name '" + name + "' of " + info.getType()
					+ " is already in use on the network (JmDNS renamed it to '" + info.getName()
					+ "'); set a unique phanes.discovery.mdns.instance-id");
		}
		this.registered.add(info);
		send(info, DNSConstants.DNS_TTL);
		this.announcements.incrementAndGet();
		announceUntilJmdnsDoes(info);
	}

	/**
	 * Say goodbye for a service at once (records with TTL 0) and unregister it; JmDNS's
	 * repeated goodbyes continue in the background.
	 * @param info a registered service info
	 */
	public void unregister(ServiceInfo info) {
		this.registered.remove(info);
		try {
			send(info, 0);
			this.goodbyes.incrementAndGet();
		}
		catch (IOException ex) {
			logger.warn("Could not send the mDNS goodbye for " + info.getQualifiedName(), ex);
		}
		String key = info.getKey();
		Thread thread = new Thread(() -> {
			try {
				this.jmdns.unregisterService(info);
			}
			finally {
				this.unregistering.remove(key, Thread.currentThread());
			}
		}, "phanes-mdns-unregister");
		thread.setDaemon(true);
		this.unregistering.put(key, thread);
		thread.start();
	}

	/**
	 * Wait for JmDNS to finish unregistering a previous service of the same name: until
	 * it has, JmDNS would rename a new one.
	 */
	private void awaitUnregistration(ServiceInfo info) {
		Thread previous = this.unregistering.remove(info.getKey());
		if (previous != null) {
			try {
				previous.join(UNREGISTER_WAIT_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Ask the network at once for the PTR records of a name (a service type, or the
	 * DNS-SD meta-query for types), rather than after JmDNS's first resolver delay.
	 * Responders answer with the SRV, TXT and address records too.
	 * @param name the fully qualified name to ask for
	 */
	public void query(String name) {
		try {
			DNSOutgoing out = new DNSOutgoing(DNSConstants.FLAGS_QR_QUERY);
			out.addQuestion(DNSQuestion.newQuestion(name, DNSRecordType.TYPE_PTR, DNSRecordClass.CLASS_IN,
					DNSRecordClass.NOT_UNIQUE));
			this.jmdns.send(out);
		}
		catch (IOException ex) {
			logger.debug("Could not send an mDNS query for " + name, ex);
		}
	}

	/**
	 * Return who else holds a service name, from the records heard so far.
	 */
	private @Nullable String liveOwner(ServiceInfo info) {
		long now = System.currentTimeMillis();
		for (MdnsRecord record : this.records.find(info.getQualifiedName(), MdnsRecord.Type.SRV)) {
			if (record instanceof MdnsRecord.Service service && service.isCurrent(now)
					&& !service.server().equalsIgnoreCase(hostName())) {
				return service.server() + ":" + service.port();
			}
		}
		return null;
	}

	/**
	 * Repeat the announcement until JmDNS has announced the service itself. A JmDNS
	 * engine that is not announced yet probes one second apart and answers no query for
	 * about four seconds after it starts; without repeats, a peer that starts in that
	 * time would not hear of this service until then.
	 */
	private void announceUntilJmdnsDoes(ServiceInfo info) {
		AtomicInteger left = new AtomicInteger(MAX_EARLY_ANNOUNCEMENTS);
		AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
		Runnable repeat = () -> {
			if (this.closed || !this.registered.contains(info) || ((ServiceInfoImpl) info).isAnnounced()
					|| left.decrementAndGet() < 0) {
				ScheduledFuture<?> scheduled = task.get();
				if (scheduled != null) {
					scheduled.cancel(false);
				}
				return;
			}
			try {
				send(info, DNSConstants.DNS_TTL);
			}
			catch (IOException ex) {
				logger.debug("Could not repeat the announcement of " + info.getQualifiedName(), ex);
			}
		};
		try {
			task.set(this.announcer.scheduleWithFixedDelay(repeat, EARLY_ANNOUNCEMENT_INTERVAL_MILLIS,
					EARLY_ANNOUNCEMENT_INTERVAL_MILLIS, TimeUnit.MILLISECONDS));
		}
		catch (RejectedExecutionException ex) {
			// closing
		}
	}

	private void send(ServiceInfo info, int ttl) throws IOException {
		// JmDNS writes a record's remaining TTL rounded down: one second more makes the
		// announced TTL the configured one
		ttl = (ttl > 0) ? ttl + 1 : 0;
		DNSOutgoing out = new DNSOutgoing(DNSConstants.FLAGS_QR_RESPONSE | DNSConstants.FLAGS_AA);
		for (DNSRecord record : ((ServiceInfoImpl) info).answers(DNSRecordClass.CLASS_IN, DNSRecordClass.UNIQUE, ttl,
				this.jmdns.getLocalHost())) {
			out.addAnswer(record, 0);
		}
		if (ttl > 0) {
			for (DNSRecord record : this.jmdns.getLocalHost()
				.answers(DNSRecordClass.CLASS_IN, DNSRecordClass.UNIQUE, ttl)) {
				out.addAnswer(record, 0);
			}
		}
		this.jmdns.send(out);
	}

	/**
	 * Close the engine, waiting at most the close timeout; what JmDNS has not finished by
	 * then (its repeated goodbyes) finishes in the background on a daemon thread.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.announcer.shutdownNow();
		Thread closer = new Thread(this::closeEngine, "phanes-mdns-close");
		closer.setDaemon(true);
		closer.start();
		try {
			closer.join(this.closeTimeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (closer.isAlive()) {
			logger.debug("mDNS engine on " + this.address.getHostAddress() + " is still closing; continuing");
		}
		if (LOGBACK_PRESENT) {
			JmdnsLogThrottle.uninstall();
		}
	}

	private void closeEngine() {
		try {
			this.jmdns.close();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not close the mDNS engine cleanly", ex);
		}
	}

	@Override
	public String toString() {
		return "MdnsTransport[" + this.address.getHostAddress() + ", " + hostName() + "]";
	}

}
