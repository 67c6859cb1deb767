package dev.phanes.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import javax.jmdns.ServiceTypeListener;
import javax.jmdns.impl.DNSOutgoing;
import javax.jmdns.impl.DNSQuestion;
import javax.jmdns.impl.JmDNSImpl;
import javax.jmdns.impl.constants.DNSConstants;
import javax.jmdns.impl.constants.DNSRecordClass;
import javax.jmdns.impl.constants.DNSRecordType;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.ClassUtils;

/**
 * One JmDNS engine bound to one address, shared by the registry and the view. With its
 * package-private companions {@link JmdnsRecords} (its cache's records as values) and
 * {@link JmdnsAnnouncer} (registration that announces and says goodbye at once), the only
 * class that uses JmDNS's implementation classes: the others get records as values and
 * ask through the small API here.
 */
public final class MdnsTransport implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(MdnsTransport.class);

	private static final boolean LOGBACK_PRESENT = ClassUtils.isPresent("ch.qos.logback.classic.LoggerContext",
			MdnsTransport.class.getClassLoader());

	private static final int RESOLVE_TIMEOUT_MILLIS = 200;

	private final JmDNSImpl jmdns;

	private final JmdnsRecords records;

	private final JmdnsAnnouncer announcer;

	private final InetAddress address;

	private final Duration closeTimeout;

	private volatile boolean closed;

	private volatile boolean failed;

	private MdnsTransport(JmDNSImpl jmdns, InetAddress address, Duration closeTimeout) {
		this.jmdns = jmdns;
		this.records = new JmdnsRecords(jmdns.getCache());
		this.announcer = new JmdnsAnnouncer(jmdns, this.records);
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
		return this.announcer.announcements();
	}

	/**
	 * Return how many goodbyes Phanes sent.
	 * @return the count
	 */
	public long goodbyes() {
		return this.announcer.goodbyes();
	}

	/**
	 * Register a service and announce it at once.
	 * @param info a service info not registered before
	 * @throws IOException if the announcement cannot be sent
	 * @throws IllegalStateException if its name is taken on the network (JmDNS would
	 * rename it silently; it is unregistered instead)
	 */
	public void register(ServiceInfo info) throws IOException {
		this.announcer.register(info);
	}

	/**
	 * Say goodbye for a service at once (records with TTL 0) and unregister it; JmDNS's
	 * repeated goodbyes continue in the background.
	 * @param info a registered service info
	 */
	public void unregister(ServiceInfo info) {
		this.announcer.unregister(info);
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
	 * Close the engine, waiting at most the close timeout; what JmDNS has not finished by
	 * then (its repeated goodbyes) finishes in the background on a daemon thread.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.announcer.close();
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
