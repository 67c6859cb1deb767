package dev.phanes.discovery;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.test.util.ReflectionTestUtils;

import static dev.phanes.discovery.DnsPacketBuilder.CACHE_FLUSH;
import static dev.phanes.discovery.DnsPacketBuilder.CLASS_IN;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_A;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_PTR;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_SRV;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_TXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A flood of 100,000 distinct records on the multicast group on loopback: the view stays
 * within its caps, the engine survives, and JmDNS's unbounded cache gives the memory back
 * once the records expire. Prints the heap and cache figures the documentation quotes.
 * <p>
 * Multicast safety: every packet leaves through the loopback interface with a TTL of 1,
 * and the engines are bound to 127.0.0.1.
 */
class MdnsFloodIT {

	private static final InetSocketAddress GROUP = new InetSocketAddress("224.0.0.251", 5353);

	/**
	 * Records in the flood: a PTR, an SRV, a TXT and an A record for each instance.
	 */
	private static final int RECORDS = 100_000;

	private static final int INSTANCES = RECORDS / 4;

	/**
	 * Instances of the browsed service; each of the others has a service type of its own.
	 */
	private static final int BROWSED_INSTANCES = 2_500;

	private static final int INSTANCES_PER_PACKET = 5;

	/**
	 * Long enough for every record to still be cached when the flood has been counted,
	 * short enough to watch the cache empty.
	 */
	private static final int FLOOD_TTL = 10;

	private static final Duration BURST = Duration.ofSeconds(5);

	private static final int MAX_SERVICES = 50;

	private static final int MAX_INSTANCES = 500;

	private final String marker = "fl" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

	private final String flooded = "flood-" + this.marker;

	private final String floodedType = DnsSd.serviceType(this.flooded, "local");

	private LoggerContext loggerContext;

	private Level jmdnsLevel;

	private MdnsTransport transport;

	private MdnsView view;

	private final ViewPeak viewPeak = new ViewPeak();

	@BeforeEach
	void open() throws Exception {
		this.loggerContext = (LoggerContext) LoggerFactory.getILoggerFactory();
		Logger jmdns = this.loggerContext.getLogger(JmdnsLogThrottle.LOGGER_PREFIX);
		this.jmdnsLevel = jmdns.getLevel();
		jmdns.setLevel(Level.INFO);
		this.transport = MdnsTransport.open(InetAddress.getByName("127.0.0.1"), Duration.ofSeconds(1));
		this.view = new MdnsView(this.transport, "local", Duration.ofMillis(100), Duration.ofMillis(500), MAX_SERVICES,
				MAX_INSTANCES);
		this.view.start();
	}

	@AfterEach
	void close() {
		this.view.close();
		this.transport.close();
		this.loggerContext.getLogger(JmdnsLogThrottle.LOGGER_PREFIX).setLevel(this.jmdnsLevel);
	}

	@Test
	void viewStaysCappedAndTheCacheRecovers() throws Exception {
		this.view.browse(this.flooded).get();
		Thread listener = MdnsMalformedPacketsIT.socketListener(this.transport);
		JmdnsLogThrottle throttle = JmdnsLogThrottle.installed();
		long passedBefore = (throttle != null) ? throttle.passedCount() : 0;
		long suppressedBefore = (throttle != null) ? throttle.suppressedCount() : 0;
		int typesBefore = this.transport.engine().getServiceTypes().size();
		Figures before = measure();

		// The flood, paced over the burst
		int packets = (INSTANCES + INSTANCES_PER_PACKET - 1) / INSTANCES_PER_PACKET;
		long interval = BURST.toNanos() / packets;
		long start = System.nanoTime();
		long deadline = start + TimeUnit.SECONDS.toNanos(20);
		int sent = 0;
		long bytes = 0;
		long peak = 0;
		long nextCount = start;
		try (MulticastSocket socket = MdnsMalformedPacketsIT.loopbackSender()) {
			for (int packet = 0; packet < packets && System.nanoTime() < deadline; packet++) {
				long due = start + packet * interval;
				long wait = due - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(wait);
				}
				byte[] data = floodPacket(packet * INSTANCES_PER_PACKET,
						Math.min(INSTANCES, (packet + 1) * INSTANCES_PER_PACKET));
				socket.send(new DatagramPacket(data, data.length, GROUP));
				sent += 4 * (Math.min(INSTANCES, (packet + 1) * INSTANCES_PER_PACKET) - packet * INSTANCES_PER_PACKET);
				bytes += data.length;
				if (System.nanoTime() >= nextCount) {
					peak = Math.max(peak, floodRecords());
					sampleView();
					nextCount = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250);
				}
			}
		}
		long sentAt = System.nanoTime();
		System.out.printf("Sent %,d records in %,d packets (%,d bytes) in %d ms%n", sent, packets, bytes,
				(sentAt - start) / 1_000_000);
		assertThat(sent).isEqualTo(RECORDS);

		// Wait until JmDNS has worked through what it received
		long stableSince = System.nanoTime();
		long last = -1;
		while (System.nanoTime() - stableSince < TimeUnit.MILLISECONDS.toNanos(1000)
				&& System.nanoTime() - sentAt < TimeUnit.SECONDS.toNanos(10)) {
			long count = floodRecords();
			if (count != last) {
				last = count;
				stableSince = System.nanoTime();
			}
			peak = Math.max(peak, count);
			sampleView();
			Thread.sleep(100);
		}
		long countedAt = System.nanoTime();
		Figures after = measure();
		peak = Math.max(peak, after.floodRecords());
		boolean noneExpiredYet = countedAt - start < TimeUnit.SECONDS.toNanos(FLOOD_TTL);
		System.out.printf("Records that reached the cache: %,d of %,d (%.1f%%)%s%n", peak, RECORDS,
				100.0 * peak / RECORDS, noneExpiredYet ? "" : " (counted after the first could expire)");
		System.out.println("  by type: " + floodRecordsByType());

		// The view stayed capped at every sample, during the flood and after it (its
		// records may expire before the counting ends on a busy machine, so the samples
		// count, not the view at the end); the engine survived
		sampleView();
		System.out.printf(
				"View: %d services, %d instances (%d of the flooded service), %,d ignored;"
						+ " at most %d services, %d instances (%d of the flooded service) in %d samples%n",
				this.view.services().size(), this.view.instanceCount(), this.view.instances(this.flooded).size(),
				this.view.ignoredCount(), this.viewPeak.services, this.viewPeak.instances,
				this.viewPeak.floodedInstances, this.viewPeak.samples);
		assertThat(this.viewPeak.instances).isPositive().isLessThanOrEqualTo(MAX_INSTANCES);
		assertThat(this.viewPeak.floodedInstances).isLessThanOrEqualTo(MAX_INSTANCES);
		// the services heard on the network have MAX_SERVICES slots; the flooded service,
		// which the test asked for, has a slot of the asked-for services
		assertThat(this.viewPeak.services).isLessThanOrEqualTo(MAX_SERVICES + 1);
		assertThat(this.view.ignoredCount()).isPositive();
		assertThat(this.transport.isOpen()).isTrue();
		assertThat(listener.isAlive()).isTrue();

		// Recovery: the records expire and JmDNS's reaper (every 10 seconds) drops them
		long recoveryStart = System.nanoTime();
		await().atMost(Duration.ofSeconds(FLOOD_TTL + 25))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> floodRecords() == 0);
		long recoveredAt = System.nanoTime();
		await().atMost(Duration.ofSeconds(2)).until(() -> this.view.instances(this.flooded).isEmpty());
		Figures recovered = measure();
		int typesLeft = this.transport.engine().getServiceTypes().size() - typesBefore;

		System.out.printf("Heap used after a full GC (%s):%n",
				ManagementFactory.getGarbageCollectorMXBeans()
					.stream()
					.map(GarbageCollectorMXBean::getName)
					.collect(Collectors.joining(", ")));
		print("before the flood", before);
		print("right after it", after);
		print("recovered", recovered);
		System.out.printf("  flood cost %.1f MB, %.0f bytes a cached record; %.1f MB left after recovery%n",
				after.heapMb() - before.heapMb(),
				(after.heapMb() - before.heapMb()) * 1024 * 1024 / Math.max(1, after.floodRecords()),
				recovered.heapMb() - before.heapMb());
		System.out.printf("Recovery: cache free of the flood %d ms after the last packet (%d ms after counting)%n",
				(recoveredAt - sentAt) / 1_000_000, (recoveredAt - recoveryStart) / 1_000_000);
		System.out.printf("JmDNS keeps %,d service types it learned from the flood (never forgotten)%n", typesLeft);
		if (throttle != null) {
			System.out.printf("JmDNS log events: %d let through, %d suppressed%n",
					throttle.passedCount() - passedBefore, throttle.suppressedCount() - suppressedBefore);
		}
		assertThat(recovered.floodRecords()).isZero();
		assertThat(this.transport.isOpen()).isTrue();
		assertThat(listener.isAlive()).isTrue();

		// A real peer of the flooded service is still found and lost
		assertPeerStillDiscovered();
	}

	private void sampleView() {
		ViewPeak peak = this.viewPeak;
		peak.samples++;
		peak.services = Math.max(peak.services, this.view.services().size());
		peak.instances = Math.max(peak.instances, this.view.instanceCount());
		peak.floodedInstances = Math.max(peak.floodedInstances, this.view.instances(this.flooded).size());
	}

	/**
	 * The largest view seen while the flood was sent and counted.
	 */
	private static final class ViewPeak {

		private int samples;

		private int services;

		private int instances;

		private int floodedInstances;

	}

	private static void print(String when, Figures figures) {
		System.out.printf("  %-17s %8.1f MB, cache %,7d records (%,d of the flood), %,d JmDNS record listeners%n",
				when + ":", figures.heapMb(), figures.cacheRecords(), figures.floodRecords(), figures.dnsListeners());
	}

	private void assertPeerStillDiscovered() throws Exception {
		String later = "after-flood-" + this.marker;
		this.view.browse(later);
		System.out.printf("A service first looked up after the flood is browsed: %s (%d service slots of %d taken)%n",
				this.view.isBrowsed(later), browsedServices(), MAX_SERVICES);
		// the flood of heard types used up the slots for heard types, not those of
		// lookups
		assertThat(this.view.isBrowsed(later)).isTrue();
		try (MdnsTransport peer = MdnsTransport.open(InetAddress.getByName("127.0.0.1"), Duration.ofSeconds(1));
				MdnsView peerView = new MdnsView(peer, "local", Duration.ofMillis(100), Duration.ofMillis(500), 4, 4)) {
			MdnsServiceRegistry registry = new MdnsServiceRegistry(peer, peerView, "local", 1300);
			MdnsRegistration registration = new MdnsRegistration(this.flooded, "node-1", "127.0.0.1", 8082, false,
					Map.of());
			registry.register(registration);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(
						() -> assertThat(this.view.instances(this.flooded)).extracting(DiscoveredInstance::instanceId)
							.containsExactly("node-1"));
			registry.deregister(registration);
			await().atMost(Duration.ofSeconds(5)).until(() -> this.view.instances(this.flooded).isEmpty());
		}
	}

	private long browsedServices() {
		return this.transport.engine()
			.getServiceTypes()
			.keySet()
			.stream()
			.map((type) -> DnsSd.serviceId(type, "local"))
			.filter((serviceId) -> serviceId != null && this.view.isBrowsed(serviceId))
			.count();
	}

	private byte[] floodPacket(int from, int to) {
		DnsPacketBuilder packet = DnsPacketBuilder.response(4 * (to - from));
		for (int i = from; i < to; i++) {
			String type = (i < BROWSED_INSTANCES) ? this.floodedType
					: DnsSd.serviceType("f" + this.marker + "-t" + i, "local");
			String instance = "i" + i + "." + type;
			String host = "h" + i + "-" + this.marker + ".local.";
			packet.record(type, TYPE_PTR, CLASS_IN, FLOOD_TTL, DnsPacketBuilder.nameBytes(instance))
				.record(instance, TYPE_SRV, CLASS_IN | CACHE_FLUSH, FLOOD_TTL,
						DnsPacketBuilder.srv(0, 0, 1024 + (i % 60000), host))
				.record(instance, TYPE_TXT, CLASS_IN | CACHE_FLUSH, FLOOD_TTL, DnsPacketBuilder.txt("n=" + i))
				.record(host, TYPE_A, CLASS_IN | CACHE_FLUSH, FLOOD_TTL,
						DnsPacketBuilder.ipv4(127, 1, (i >> 8) & 0xFF, i & 0xFF));
		}
		return packet.build();
	}

	private long floodRecords() {
		return this.transport.engine()
			.getCache()
			.allValues()
			.stream()
			.filter((entry) -> entry.getName().toLowerCase(Locale.ROOT).contains(this.marker))
			.count();
	}

	private Map<String, Long> floodRecordsByType() {
		return this.transport.engine()
			.getCache()
			.allValues()
			.stream()
			.filter((entry) -> entry.getName().toLowerCase(Locale.ROOT).contains(this.marker))
			.collect(Collectors.groupingBy((entry) -> entry.getRecordType().name(), Collectors.counting()));
	}

	private Figures measure() throws InterruptedException {
		for (int i = 0; i < 2; i++) {
			System.gc();
			Thread.sleep(100);
		}
		long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
		int cached = this.transport.engine().getCache().allValues().size();
		List<?> listeners = (List<?>) ReflectionTestUtils.getField(this.transport.engine(), "_listeners");
		return new Figures(used / (1024.0 * 1024.0), cached, floodRecords(),
				(listeners != null) ? listeners.size() : -1);
	}

	/**
	 * What is measured at one point.
	 *
	 * @param heapMb heap used after a full collection
	 * @param cacheRecords records in JmDNS's cache
	 * @param floodRecords those of them that came with the flood
	 * @param dnsListeners JmDNS's record listeners (one for each instance it resolves)
	 */
	private record Figures(double heapMb, int cacheRecords, long floodRecords, int dnsListeners) {

	}

}
