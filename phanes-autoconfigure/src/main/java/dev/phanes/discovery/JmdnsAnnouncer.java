package dev.phanes.discovery;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.jmdns.ServiceInfo;
import javax.jmdns.impl.DNSOutgoing;
import javax.jmdns.impl.DNSRecord;
import javax.jmdns.impl.JmDNSImpl;
import javax.jmdns.impl.ServiceInfoImpl;
import javax.jmdns.impl.constants.DNSConstants;
import javax.jmdns.impl.constants.DNSRecordClass;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Registers services on a JmDNS engine the way Phanes wants them announced: at once
 * (JmDNS announces only after it has probed, about two seconds later, and repeats until
 * then) and with a goodbye at once (JmDNS repeats the goodbye for two seconds while the
 * caller waits; here it finishes in the background). A companion of
 * {@link MdnsTransport}, which owns the engine. Thread-safe.
 */
final class JmdnsAnnouncer implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(MdnsTransport.class);

	private static final long EARLY_ANNOUNCEMENT_INTERVAL_MILLIS = 500;

	private static final int MAX_EARLY_ANNOUNCEMENTS = 12;

	private static final long UNREGISTER_WAIT_MILLIS = DNSConstants.CLOSE_TIMEOUT + 1000;

	private final JmDNSImpl jmdns;

	private final MdnsRecords records;

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

	/**
	 * Create an announcer.
	 * @param jmdns the engine
	 * @param records the engine's cached records, to find who else holds a name
	 */
	JmdnsAnnouncer(JmDNSImpl jmdns, MdnsRecords records) {
		this.jmdns = jmdns;
		this.records = records;
	}

	/**
	 * Return how many announcements were sent.
	 * @return the count
	 */
	long announcements() {
		return this.announcements.get();
	}

	/**
	 * Return how many goodbyes were sent.
	 * @return the count
	 */
	long goodbyes() {
		return this.goodbyes.get();
	}

	/**
	 * Register a service and announce it at once.
	 * @param info a service info not registered before
	 * @throws IOException if the announcement cannot be sent
	 * @throws IllegalStateException if its name is taken on the network (JmDNS would
	 * rename it silently; it is unregistered instead)
	 */
	void register(ServiceInfo info) throws IOException {
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
	void unregister(ServiceInfo info) {
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
	 * Return who else holds a service name, from the records heard so far.
	 */
	private @Nullable String liveOwner(ServiceInfo info) {
		long now = System.currentTimeMillis();
		for (MdnsRecord record : this.records.find(info.getQualifiedName(), MdnsRecord.Type.SRV)) {
			if (record instanceof MdnsRecord.Service service && service.isCurrent(now)
					&& !service.server().equalsIgnoreCase(this.jmdns.getLocalHost().getName())) {
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
	 * Stop repeating announcements; the engine itself is closed by the transport.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.announcer.shutdownNow();
	}

}
