package dev.phanes.discovery;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.test.util.ReflectionTestUtils;

import static dev.phanes.discovery.DnsPacketBuilder.CACHE_FLUSH;
import static dev.phanes.discovery.DnsPacketBuilder.CLASS_ANY;
import static dev.phanes.discovery.DnsPacketBuilder.CLASS_CHAOS;
import static dev.phanes.discovery.DnsPacketBuilder.CLASS_IN;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_A;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_AAAA;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_ANY;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_HINFO;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_NSEC;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_OPT;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_PTR;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_SRV;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_TXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Malformed and hostile mDNS packets sent to the multicast group on loopback: the engine
 * survives them, the view lists none of their instances, a real peer is still found and
 * lost, and JmDNS's warnings about them are rate-limited.
 * <p>
 * Multicast safety: every packet leaves through the loopback interface with a TTL of 1,
 * and both engines are bound to 127.0.0.1.
 */
class MdnsMalformedPacketsIT {

	private static final InetSocketAddress GROUP = new InetSocketAddress("224.0.0.251", 5353);

	private static final int TTL = 120;

	private static final int REPEATS = 3;

	private final String marker = "hx" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

	private final String victim = "victim-" + this.marker;

	private final String victimType = DnsSd.serviceType(this.victim, "local");

	private final String broken = "broken-" + this.marker;

	private final String brokenType = DnsSd.serviceType(this.broken, "local");

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private LoggerContext loggerContext;

	private Level jmdnsLevel;

	private MdnsTransport browserTransport;

	private MdnsTransport publisherTransport;

	private MdnsView browserView;

	private MdnsView publisherView;

	private MdnsServiceRegistry registry;

	@BeforeEach
	void open() throws IOException {
		this.loggerContext = (LoggerContext) LoggerFactory.getILoggerFactory();
		Logger jmdns = this.loggerContext.getLogger(JmdnsLogThrottle.LOGGER_PREFIX);
		this.jmdnsLevel = jmdns.getLevel();
		// What a Spring Boot application logs by default; JmDNS's debug output is huge
		jmdns.setLevel(Level.INFO);
		this.appender.setContext(this.loggerContext);
		this.appender.start();
		this.loggerContext.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(this.appender);
		InetAddress loopback = InetAddress.getByName("127.0.0.1");
		this.browserTransport = MdnsTransport.open(loopback, Duration.ofSeconds(1));
		this.publisherTransport = MdnsTransport.open(loopback, Duration.ofSeconds(1));
		this.browserView = new MdnsView(this.browserTransport, "local", Duration.ofMillis(50), Duration.ofMillis(500),
				16, 64);
		this.publisherView = new MdnsView(this.publisherTransport, "local", Duration.ofMillis(50),
				Duration.ofMillis(500), 16, 64);
		this.browserView.start();
		this.publisherView.start();
		this.registry = new MdnsServiceRegistry(this.publisherTransport, this.publisherView, "local", 1300);
	}

	@AfterEach
	void close() {
		this.browserView.close();
		this.publisherView.close();
		this.browserTransport.close();
		this.publisherTransport.close();
		this.loggerContext.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this.appender);
		this.loggerContext.getLogger(JmdnsLogThrottle.LOGGER_PREFIX).setLevel(this.jmdnsLevel);
	}

	@Test
	void hostilePacketsDoNotCrashTheEngineNorReachTheView() throws Exception {
		this.browserView.browse(this.victim).get();
		this.browserView.browse(this.broken).get();
		JmdnsLogThrottle throttle = JmdnsLogThrottle.installed();
		assertThat(throttle).isNotNull();
		long passedBefore = throttle.passedCount();
		long suppressedBefore = throttle.suppressedCount();
		int eventsBefore = loggedEvents().size();
		Thread browserListener = socketListener(this.browserTransport);
		Thread publisherListener = socketListener(this.publisherTransport);
		send(hostilePackets(), REPEATS);

		// A real peer is still found: its announcement is queued behind the hostile
		// packets, so finding it also means they were all handled
		MdnsRegistration registration = new MdnsRegistration(this.victim, "node-1", "127.0.0.1", 8081, false,
				Map.of("zone", "a"));
		long registered = System.nanoTime();
		this.registry.register(registration);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> assertThat(this.browserView.instances(this.victim)).extracting(DiscoveredInstance::instanceId)
						.contains("node-1"));
		System.out.printf("Real peer found %d ms after registering%n", (System.nanoTime() - registered) / 1_000_000);
		assertThat(this.browserTransport.isOpen()).isTrue();
		assertThat(this.publisherTransport.isOpen()).isTrue();
		assertThat(browserListener.isAlive()).isTrue();
		assertThat(publisherListener.isAlive()).isTrue();
		// Give a pending resolution of the ghost instances time to fail
		Thread.sleep(1000);
		assertThat(this.browserView.instances(this.victim)).singleElement().satisfies((instance) -> {
			assertThat(instance.instanceId()).isEqualTo("node-1");
			assertThat(instance.host()).isEqualTo("127.0.0.1");
			assertThat(instance.port()).isEqualTo(8081);
			assertThat(instance.metadata()).containsExactly(Map.entry("zone", "a"));
		});
		// A resolvable instance with a corrupt TXT record is listed, without metadata
		assertThat(this.browserView.instances(this.broken)).singleElement().satisfies((instance) -> {
			assertThat(instance.instanceId()).isEqualTo("badtxt");
			assertThat(instance.port()).isEqualTo(9999);
		});
		for (String serviceId : this.browserView.services()) {
			if (!serviceId.equals(this.broken)) {
				assertThat(this.browserView.instances(serviceId)).extracting(DiscoveredInstance::instanceId)
					.noneMatch((id) -> id.contains(this.marker) || id.startsWith("ghost") || id.startsWith("chaos")
							|| id.startsWith("nohost") || id.contains("txt"));
			}
		}

		// Its goodbye still removes it
		long deregistered = System.nanoTime();
		this.registry.deregister(registration);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.browserView.instances(this.victim).isEmpty());
		System.out.printf("Real peer gone %d ms after its goodbye%n", (System.nanoTime() - deregistered) / 1_000_000);
		assertThat(browserListener.isAlive()).isTrue();

		List<ILoggingEvent> events = loggedEvents();
		List<ILoggingEvent> jmdnsWarnings = events.subList(eventsBefore, events.size())
			.stream()
			.filter((event) -> event.getLoggerName().startsWith(JmdnsLogThrottle.LOGGER_PREFIX + "."))
			.filter((event) -> event.getLevel().isGreaterOrEqual(Level.WARN))
			.toList();
		long passed = throttle.passedCount() - passedBefore;
		long suppressed = throttle.suppressedCount() - suppressedBefore;
		System.out.printf("JmDNS log events: %d let through (%d warnings reached the appenders), %d suppressed%n",
				passed, jmdnsWarnings.size(), suppressed);
		jmdnsWarnings.forEach((event) -> System.out.println("  let through: " + event.getLoggerName() + ": "
				+ event.getFormattedMessage().lines().findFirst().orElse("")));
		assertThat(suppressed).isPositive();
		// The test takes less than a minute, so it spans at most two windows
		assertThat(jmdnsWarnings).hasSizeLessThanOrEqualTo((int) passed);
		assertThat(passed).isLessThanOrEqualTo(2L * JmdnsLogThrottle.DEFAULT_MAX_EVENTS);
		List<?> listeners = (List<?>) ReflectionTestUtils.getField(this.browserTransport.engine(), "_listeners");
		System.out.printf("JmDNS record listeners of the browsing engine: %d%n",
				(listeners != null) ? listeners.size() : -1);
		System.out.printf("JmDNS cache holds %d records naming %s%n",
				this.browserTransport.engine()
					.getCache()
					.allValues()
					.stream()
					.filter((entry) -> entry.getName().toLowerCase().contains(this.marker))
					.count(),
				this.marker);
	}

	@Test
	void instanceInAnotherClassThanInternetIsNotListed() throws Exception {
		this.browserView.browse(this.victim).get();
		send(List.of(new Hostile("whole instance in class CHAOS", instanceInClass("chaos", CLASS_CHAOS)),
				new Hostile("whole instance in class ANY", instanceInClass("any", CLASS_ANY))), 1);
		MdnsRegistration registration = new MdnsRegistration(this.victim, "node-1", "127.0.0.1", 8081, false, Map.of());
		this.registry.register(registration);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> assertThat(this.browserView.instances(this.victim)).extracting(DiscoveredInstance::instanceId)
						.contains("node-1"));
		Thread.sleep(500);
		assertThat(this.browserView.instances(this.victim)).extracting(DiscoveredInstance::instanceId)
			.containsExactly("node-1");
	}

	private byte[] instanceInClass(String name, int recordClass) {
		String instance = name + "." + this.victimType;
		String host = name + "-" + this.marker + ".local.";
		return DnsPacketBuilder.response(3)
			.record(this.victimType, TYPE_PTR, recordClass, TTL, DnsPacketBuilder.nameBytes(instance))
			.record(instance, TYPE_SRV, recordClass | CACHE_FLUSH, TTL, DnsPacketBuilder.srv(0, 0, 7777, host))
			.record(host, TYPE_A, recordClass | CACHE_FLUSH, TTL, DnsPacketBuilder.ipv4(127, 0, 0, 1))
			.build();
	}

	private List<ILoggingEvent> loggedEvents() {
		// Logback appends under the appender's lock
		synchronized (this.appender) {
			return new ArrayList<>(this.appender.list);
		}
	}

	private static void send(List<Hostile> packets, int repeats) throws IOException, InterruptedException {
		long start = System.nanoTime();
		try (MulticastSocket socket = loopbackSender()) {
			for (int round = 0; round < repeats; round++) {
				for (Hostile hostile : packets) {
					socket.send(new DatagramPacket(hostile.bytes(), hostile.bytes().length, GROUP));
					Thread.sleep(2);
				}
			}
		}
		System.out.printf("Sent %d hostile packets (%d kinds) in %d ms%n", packets.size() * repeats, packets.size(),
				(System.nanoTime() - start) / 1_000_000);
	}

	private List<Hostile> hostilePackets() {
		List<Hostile> packets = new ArrayList<>();
		String victimType = this.victimType;
		String nowhere = "nowhere-" + this.marker + ".local.";
		String host = "host-" + this.marker + ".local.";

		// Truncated and lying headers
		packets.add(new Hostile("empty datagram", new byte[0]));
		packets.add(new Hostile("truncated header", Arrays.copyOf(DnsPacketBuilder.response(1).build(), 7)));
		packets.add(new Hostile("header announcing 3 answers and nothing else", DnsPacketBuilder.response(3).build()));
		packets.add(new Hostile("header announcing 65535 of each section",
				DnsPacketBuilder.empty().header(0, 0x8400, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF).build()));
		packets.add(new Hostile("no answers announced but records follow",
				DnsPacketBuilder.response(0)
					.record(instance("unannounced"), TYPE_PTR, CLASS_IN, TTL, DnsPacketBuilder.nameBytes(victimType))
					.build()));
		packets.add(new Hostile("unknown operation code",
				DnsPacketBuilder.empty()
					.header(0, 0x8400 | (5 << 11), 0, 1, 0, 0)
					.record(victimType, TYPE_PTR, CLASS_IN, TTL, DnsPacketBuilder.nameBytes(instance("opcode")))
					.build()));

		// Truncated records
		packets
			.add(new Hostile("record cut after its name", DnsPacketBuilder.response(1).name(instance("cut")).build()));
		packets.add(new Hostile("record cut inside its data",
				DnsPacketBuilder.response(1)
					.name(instance("cut"))
					.recordHeader(TYPE_SRV, CLASS_IN | CACHE_FLUSH, TTL, 20)
					.u16(0)
					.u16(0)
					.build()));
		packets.add(new Hostile("TXT data length beyond the packet",
				DnsPacketBuilder.response(1)
					.name(instance("rdlength"))
					.recordHeader(TYPE_TXT, CLASS_IN | CACHE_FLUSH, TTL, 0xFFFF)
					.bytes(DnsPacketBuilder.txt("a=b"))
					.build()));
		packets.add(new Hostile("A and PTR data lengths beyond the packet",
				DnsPacketBuilder.response(2)
					.name(host)
					.recordHeader(TYPE_A, CLASS_IN | CACHE_FLUSH, TTL, 0xFFF0)
					.bytes(DnsPacketBuilder.ipv4(127, 0, 0, 1))
					.name(victimType)
					.recordHeader(TYPE_PTR, CLASS_IN, TTL, 0x8000)
					.name(instance("rdlength"))
					.build()));
		packets.add(new Hostile("SRV data length shorter than the data",
				DnsPacketBuilder.response(1)
					.name(instance("short-srv"))
					.recordHeader(TYPE_SRV, CLASS_IN | CACHE_FLUSH, TTL, 2)
					.bytes(DnsPacketBuilder.srv(0, 0, 8080, host))
					.build()));

		// Huge TXT records: 9,000 bytes (longer than JmDNS reads of a datagram) and
		// 8,700 bytes (fits), on instances whose host has no address
		packets.add(new Hostile("TXT record of 9,000 bytes", resolvableButHostless("huge-txt", nowhere, 9000)));
		packets.add(new Hostile("TXT record of 8,700 bytes", resolvableButHostless("big-txt", nowhere, 8700)));

		// TXT strings whose lengths run past the record, on an otherwise valid instance
		String badTxt = "badtxt." + this.brokenType;
		packets.add(new Hostile("TXT strings with bad lengths",
				DnsPacketBuilder.response(4)
					.record(this.brokenType, TYPE_PTR, CLASS_IN, TTL, DnsPacketBuilder.nameBytes(badTxt))
					.record(badTxt, TYPE_SRV, CLASS_IN | CACHE_FLUSH, TTL, DnsPacketBuilder.srv(0, 0, 9999, host))
					.record(badTxt, TYPE_TXT, CLASS_IN | CACHE_FLUSH, TTL,
							new byte[] { 3, 'a', '=', 'b', 0, (byte) 200, 'k', '=', 'v' })
					.record(host, TYPE_A, CLASS_IN | CACHE_FLUSH, TTL, DnsPacketBuilder.ipv4(127, 0, 0, 1))
					.build()));
		packets.add(new Hostile("TXT of zero-length and invalid UTF-8 strings",
				DnsPacketBuilder.response(1)
					.record(instance("utf8"), TYPE_TXT, CLASS_IN | CACHE_FLUSH, TTL,
							new byte[] { 0, 0, 4, (byte) 0xFF, (byte) 0xFE, '=', (byte) 0xC3, 2, (byte) 0xE2, '=' })
					.build()));

		// Unknown and wrong types and classes
		packets.add(new Hostile("unknown record type",
				DnsPacketBuilder.response(1).record(instance("type"), 0xFF00, CLASS_IN, TTL, new byte[8]).build()));
		packets.add(new Hostile("unknown record class",
				DnsPacketBuilder.response(1)
					.record(host, TYPE_A, 0x1234, TTL, DnsPacketBuilder.ipv4(127, 0, 0, 1))
					.build()));
		packets.add(new Hostile("PTR whose data is an IPv4 address",
				DnsPacketBuilder.response(1)
					.record(victimType, TYPE_PTR, CLASS_IN, TTL, DnsPacketBuilder.ipv4(192, 168, 1, 1))
					.build()));
		packets.add(new Hostile("A of 2 bytes, AAAA of 3 bytes",
				DnsPacketBuilder.response(2)
					.record(host, TYPE_A, CLASS_IN | CACHE_FLUSH, TTL, new byte[] { 127, 0 })
					.record(host, TYPE_AAAA, CLASS_IN | CACHE_FLUSH, TTL, new byte[] { 1, 2, 3 })
					.build()));
		packets.add(new Hostile("HINFO, NSEC and OPT with garbage",
				DnsPacketBuilder.response(3)
					.record(host, TYPE_HINFO, CLASS_IN, TTL, new byte[] { (byte) 0xF0, (byte) 0x9F, 0, ' ', -1 })
					.record(host, TYPE_NSEC, CLASS_IN, TTL, new byte[] { (byte) 0xC0, (byte) 0xFF, 9 })
					.record("", TYPE_OPT, 1440, 0, new byte[] { 0x12, 0x34, 0x00, 0x02, 1 })
					.build()));
		DnsPacketBuilder manyUnknown = DnsPacketBuilder.response(300);
		for (int i = 0; i < 300; i++) {
			manyUnknown.name("u" + i).recordHeader(0xFF00 + i, 0x4321, TTL, 0);
		}
		packets.add(new Hostile("300 records of unknown types and classes", manyUnknown.build()));
		packets.add(new Hostile("query with unknown types and classes, unicast reply wanted",
				DnsPacketBuilder.query(3)
					.question(victimType, 0x1234, CLASS_IN | CACHE_FLUSH)
					.question(host, TYPE_ANY, 0x1234 | CACHE_FLUSH)
					.question(victimType, TYPE_PTR, CLASS_CHAOS)
					.build()));

		// Name compression loops: a pointer to itself, two pointers to each other, a
		// label followed by a pointer back to it, a pointer past the end
		packets.add(new Hostile("name pointing to itself",
				DnsPacketBuilder.response(1)
					.pointer(12)
					.recordHeader(TYPE_A, CLASS_IN, TTL, 4)
					.bytes(DnsPacketBuilder.ipv4(127, 0, 0, 1))
					.build()));
		packets.add(new Hostile("two pointers pointing at each other",
				DnsPacketBuilder.response(1).pointer(24).recordHeader(TYPE_PTR, CLASS_IN, TTL, 2).pointer(12).build()));
		packets.add(new Hostile("PTR data pointing to itself",
				DnsPacketBuilder.response(1)
					.name(victimType)
					.recordHeader(TYPE_PTR, CLASS_IN, TTL, 2)
					.pointer(12 + DnsPacketBuilder.nameBytes(victimType).length + 10)
					.build()));
		packets.add(new Hostile("label then a pointer back to it",
				DnsPacketBuilder.response(1)
					.label("loop".getBytes(StandardCharsets.US_ASCII))
					.pointer(12)
					.recordHeader(TYPE_A, CLASS_IN, TTL, 4)
					.bytes(DnsPacketBuilder.ipv4(127, 0, 0, 1))
					.build()));
		packets.add(new Hostile("pointer past the end",
				DnsPacketBuilder.response(1)
					.label("far".getBytes(StandardCharsets.US_ASCII))
					.pointer(0x3FFF)
					.recordHeader(TYPE_A, CLASS_IN, TTL, 4)
					.bytes(DnsPacketBuilder.ipv4(127, 0, 0, 1))
					.build()));

		// Labels longer than 63 bytes: their length bytes read as extended (0x40) and
		// reserved (0x80) label types
		byte[] longLabel = new byte[100];
		Arrays.fill(longLabel, (byte) 'a');
		packets.add(new Hostile("label of 100 bytes",
				DnsPacketBuilder.response(1)
					.label(longLabel)
					.name(victimType)
					.recordHeader(TYPE_PTR, CLASS_IN, TTL, 2)
					.pointer(12)
					.build()));
		byte[] reserved = new byte[300];
		Arrays.fill(reserved, (byte) 0x80);
		packets.add(new Hostile("300 bytes of reserved label types",
				DnsPacketBuilder.response(1)
					.bytes(reserved)
					.u8(0)
					.recordHeader(TYPE_A, CLASS_IN, TTL, 4)
					.bytes(DnsPacketBuilder.ipv4(127, 0, 0, 1))
					.build()));
		DnsPacketBuilder longName = DnsPacketBuilder.response(1);
		for (int i = 0; i < 500; i++) {
			longName.label(new byte[] { 'n' });
		}
		packets.add(new Hostile("name of 1,000 bytes",
				longName.u8(0)
					.recordHeader(TYPE_A, CLASS_IN, TTL, 4)
					.bytes(DnsPacketBuilder.ipv4(127, 0, 0, 1))
					.build()));

		// Instances that never resolve: an SRV to a host without address, a PTR whose
		// SRV never comes
		packets.add(new Hostile("SRV pointing at a nonexistent host", resolvableButHostless("nohost", nowhere, 0)));
		packets.add(new Hostile("PTR whose SRV never comes",
				DnsPacketBuilder.response(1)
					.record(victimType, TYPE_PTR, CLASS_IN, TTL, DnsPacketBuilder.nameBytes(instance("ghost")))
					.build()));

		// Service types that are not Phanes services
		packets.add(new Hostile("service type enumeration with invalid types",
				DnsPacketBuilder.response(3)
					.record("_services._dns-sd._udp.local.", TYPE_PTR, CLASS_IN, TTL,
							DnsPacketBuilder.nameBytes("_bad type " + this.marker + "._tcp.local."))
					.record("_services._dns-sd._udp.local.", TYPE_PTR, CLASS_IN, TTL,
							DnsPacketBuilder.nameBytes("_" + "x".repeat(62) + "._tcp.local."))
					.record("_services._dns-sd._udp.local.", TYPE_PTR, CLASS_IN, TTL,
							DnsPacketBuilder.nameBytes("._tcp.local."))
					.build()));
		return packets;
	}

	private String instance(String name) {
		return name + "-" + this.marker + "." + this.victimType;
	}

	private byte[] resolvableButHostless(String name, String target, int txtBytes) {
		String instance = instance(name);
		List<String> strings = new ArrayList<>();
		int left = txtBytes;
		for (int i = 0; left > 0; i++) {
			int length = Math.min(255, left - 1);
			String prefix = "k" + i + "=";
			strings.add(prefix + "v".repeat(Math.max(0, length - prefix.length())));
			left -= length + 1;
		}
		return DnsPacketBuilder.response(3)
			.record(this.victimType, TYPE_PTR, CLASS_IN, TTL, DnsPacketBuilder.nameBytes(instance))
			.record(instance, TYPE_SRV, CLASS_IN | CACHE_FLUSH, TTL, DnsPacketBuilder.srv(0, 0, 8080, target))
			.record(instance, TYPE_TXT, CLASS_IN | CACHE_FLUSH, TTL,
					DnsPacketBuilder.txt(strings.toArray(String[]::new)))
			.build();
	}

	/**
	 * Return a socket that sends multicast through the loopback interface only, with a
	 * TTL of 1.
	 */
	static MulticastSocket loopbackSender() throws IOException {
		InetAddress loopback = InetAddress.getByName("127.0.0.1");
		NetworkInterface lo = NetworkInterface.getByInetAddress(loopback);
		assertThat(lo).as("loopback interface").isNotNull();
		assertThat(lo.isLoopback()).as("%s is loopback", lo.getName()).isTrue();
		MulticastSocket socket = new MulticastSocket(new InetSocketAddress(loopback, 0));
		try {
			socket.setNetworkInterface(lo);
			socket.setTimeToLive(1);
			assertThat(socket.getNetworkInterface()).isEqualTo(lo);
			assertThat(socket.getTimeToLive()).isEqualTo(1);
		}
		catch (IOException | RuntimeException | AssertionError ex) {
			socket.close();
			throw ex;
		}
		return socket;
	}

	/**
	 * Return the thread JmDNS receives packets on.
	 */
	static Thread socketListener(MdnsTransport transport) {
		String name = "SocketListener(" + transport.engine().getName() + ")";
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No thread " + name));
	}

	private record Hostile(String description, byte[] bytes) {

	}

}
