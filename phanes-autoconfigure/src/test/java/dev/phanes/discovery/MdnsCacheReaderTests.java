package dev.phanes.discovery;

import java.util.Map;
import java.util.TreeMap;

import javax.jmdns.impl.constants.DNSConstants;

import org.junit.jupiter.api.Test;

import static dev.phanes.discovery.DnsPacketBuilder.CACHE_FLUSH;
import static dev.phanes.discovery.DnsPacketBuilder.CLASS_ANY;
import static dev.phanes.discovery.DnsPacketBuilder.CLASS_CHAOS;
import static dev.phanes.discovery.DnsPacketBuilder.CLASS_IN;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_A;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_AAAA;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_HINFO;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_PTR;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_SRV;
import static dev.phanes.discovery.DnsPacketBuilder.TYPE_TXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link MdnsCacheReader}: records read from DNS messages built in the test
 * (parsed by JmDNS's {@code DNSIncoming} and turned into values as the transport does),
 * no socket and no engine.
 */
class MdnsCacheReaderTests {

	private static final String TYPE = DnsSd.serviceType("inventory", "local");

	private static final String HOST = "host-1.local.";

	private static final int TTL = 120;

	private static final Map<String, String> BROWSED = Map.of("inventory", TYPE);

	private final MdnsCacheReader reader = new MdnsCacheReader(64);

	private final long received = System.currentTimeMillis();

	@Test
	void listsAnInstanceWhoseRecordsAreAllCurrent() {
		CachedRecords cache = new CachedRecords().receive(instance("node-1", 8081, TTL, "zone=a", "version=1.2"));
		MdnsCacheReader.Reading reading = this.reader.read(BROWSED, cache, this.received);
		assertThat(reading.services()).containsOnlyKeys("inventory");
		assertThat(reading.services().get("inventory")).singleElement().satisfies((instance) -> {
			assertThat(instance.serviceId()).isEqualTo("inventory");
			assertThat(instance.instanceId()).isEqualTo("node-1");
			assertThat(instance.host()).isEqualTo("127.0.0.1");
			assertThat(instance.port()).isEqualTo(8081);
			assertThat(instance.isSecure()).isFalse();
			assertThat(instance.metadata()).containsOnly(Map.entry("zone", "a"), Map.entry("version", "1.2"));
		});
		assertThat(reading.unresolved()).isEmpty();
		assertThat(reading.pending()).isFalse();
		assertThat(reading.ignored()).isZero();
	}

	@Test
	void secureKeyOfAnyCaseSaysHttpsAndIsNotMetadata() {
		CachedRecords cache = new CachedRecords().receive(instance("node-1", 8443, TTL, "SECURE=true", "flag"));
		assertThat(this.reader.read(BROWSED, cache, this.received).services().get("inventory")).singleElement()
			.satisfies((instance) -> {
				assertThat(instance.isSecure()).isTrue();
				assertThat(instance.getUri()).hasToString("https://127.0.0.1:8443");
				// a key without '=' reads as true, as JmDNS decodes it
				assertThat(instance.metadata()).containsOnly(Map.entry("flag", "true"));
			});
	}

	@Test
	void instancesAreSortedAndListedOnceHoweverManyPointersNameThem() {
		CachedRecords cache = new CachedRecords().receive(instance("node-2", 8082, TTL))
			.receive(instance("node-1", 8081, TTL))
			.receive(DnsPacketBuilder.response(1)
				.record(TYPE, TYPE_PTR, CLASS_IN, TTL, DnsPacketBuilder.nameBytes("node-1." + TYPE))
				.build());
		assertThat(this.reader.read(BROWSED, cache, this.received).services().get("inventory"))
			.extracting(DiscoveredInstance::instanceId)
			.containsExactly("node-1", "node-2");
	}

	@Test
	void namesAreCaseInsensitive() {
		CachedRecords cache = new CachedRecords().receive(DnsPacketBuilder.response(4)
			.record("_Inventory._TCP.local.", TYPE_PTR, CLASS_IN, TTL,
					DnsPacketBuilder.nameBytes("Node-1._Inventory._TCP.local."))
			.record("NODE-1._inventory._tcp.LOCAL.", TYPE_SRV, CLASS_IN | CACHE_FLUSH, TTL,
					DnsPacketBuilder.srv(0, 0, 8081, "HOST-1.local."))
			.record("node-1._inventory._tcp.local.", TYPE_TXT, CLASS_IN | CACHE_FLUSH, TTL,
					DnsPacketBuilder.txt("zone=a"))
			.record(HOST, TYPE_A, CLASS_IN | CACHE_FLUSH, TTL, DnsPacketBuilder.ipv4(127, 0, 0, 1))
			.build());
		assertThat(this.reader.read(BROWSED, cache, this.received).services().get("inventory"))
			.extracting(DiscoveredInstance::instanceId, DiscoveredInstance::port)
			.containsExactly(tuple("Node-1", 8081));
	}

	@Test
	void aPointerWithoutItsOtherRecordsIsUnresolved() {
		CachedRecords cache = new CachedRecords().receive(DnsPacketBuilder.response(1)
			.record(TYPE, TYPE_PTR, CLASS_IN, TTL, DnsPacketBuilder.nameBytes("ghost." + TYPE))
			.build());
		MdnsCacheReader.Reading reading = this.reader.read(BROWSED, cache, this.received);
		assertThat(reading.services()).isEmpty();
		assertThat(reading.unresolved()).containsExactly(new MdnsCacheReader.Unresolved(TYPE, "ghost"));
		assertThat(reading.pending()).isTrue();
	}

	@Test
	void anInstanceWithoutTxtOrAddressIsUnresolved() {
		String noTxt = "no-txt." + TYPE;
		String noHost = "no-host." + TYPE;
		CachedRecords cache = new CachedRecords()
			.receive(DnsPacketBuilder.response(5)
				.record(TYPE, TYPE_PTR, CLASS_IN, TTL, DnsPacketBuilder.nameBytes(noTxt))
				.record(noTxt, TYPE_SRV, CLASS_IN | CACHE_FLUSH, TTL, DnsPacketBuilder.srv(0, 0, 8081, HOST))
				.record(HOST, TYPE_A, CLASS_IN | CACHE_FLUSH, TTL, DnsPacketBuilder.ipv4(127, 0, 0, 1))
				.record(TYPE, TYPE_PTR, CLASS_IN, TTL, DnsPacketBuilder.nameBytes(noHost))
				.record(noHost, TYPE_SRV, CLASS_IN | CACHE_FLUSH, TTL,
						DnsPacketBuilder.srv(0, 0, 8082, "nowhere.local."))
				.build())
			.receive(DnsPacketBuilder.response(1)
				.record(noHost, TYPE_TXT, CLASS_IN | CACHE_FLUSH, TTL, DnsPacketBuilder.txt("a=b"))
				.build());
		MdnsCacheReader.Reading reading = this.reader.read(BROWSED, cache, this.received);
		assertThat(reading.services()).isEmpty();
		assertThat(reading.unresolved()).extracting(MdnsCacheReader.Unresolved::name)
			.containsExactlyInAnyOrder("no-txt", "no-host");
	}

	@Test
	void anIpv6AddressServesWhenThereIsNoIpv4One() {
		String instance = "v6." + TYPE;
		byte[] loopback6 = new byte[16];
		loopback6[15] = 1;
		CachedRecords cache = new CachedRecords().receive(DnsPacketBuilder.response(4)
			.record(TYPE, TYPE_PTR, CLASS_IN, TTL, DnsPacketBuilder.nameBytes(instance))
			.record(instance, TYPE_SRV, CLASS_IN | CACHE_FLUSH, TTL, DnsPacketBuilder.srv(0, 0, 8081, HOST))
			.record(instance, TYPE_TXT, CLASS_IN | CACHE_FLUSH, TTL, DnsPacketBuilder.txt("a=b"))
			.record(HOST, TYPE_AAAA, CLASS_IN | CACHE_FLUSH, TTL, loopback6)
			.build());
		assertThat(this.reader.read(BROWSED, cache, this.received).services().get("inventory")).singleElement()
			.satisfies((found) -> {
				assertThat(found.host()).isEqualTo("0:0:0:0:0:0:0:1");
				assertThat(found.getUri()).hasToString("http://[0:0:0:0:0:0:0:1]:8081");
			});
	}

	@Test
	void theNewestCurrentRecordWins() {
		String instance = "node-1." + TYPE;
		int ttl = 4500;
		long at = this.received;
		CachedRecords cache = new CachedRecords().add(
				new MdnsRecord.Pointer(TYPE, MdnsRecord.CLASS_IN, ttl, at, "node-1"),
				new MdnsRecord.Service(instance, MdnsRecord.CLASS_IN, ttl, at, HOST, 8081),
				new MdnsRecord.Service(instance, MdnsRecord.CLASS_IN, ttl, at + 10, HOST, 8082),
				new MdnsRecord.Text(instance, MdnsRecord.CLASS_IN, ttl, at, Map.of("v", "1")),
				new MdnsRecord.Address(HOST, MdnsRecord.CLASS_IN, ttl, at + 20, false, "127.0.0.2"),
				new MdnsRecord.Address(HOST, MdnsRecord.CLASS_IN, ttl, at + 10, false, "127.0.0.3"),
				// newer, but expired at the time of reading
				new MdnsRecord.Address(HOST, MdnsRecord.CLASS_IN, 2, at + 20_000, false, "127.0.0.4"),
				// newer, but of another class
				new MdnsRecord.Address(HOST, MdnsRecord.CLASS_ANY, ttl, at + 25_000, false, "127.0.0.5"));
		assertThat(this.reader.read(BROWSED, cache, at + 30_000).services().get("inventory")).singleElement()
			.satisfies((found) -> {
				assertThat(found.port()).isEqualTo(8082);
				assertThat(found.host()).isEqualTo("127.0.0.2");
			});
	}

	@Test
	void aGoodbyeRemovesTheInstanceAtOnceAndItIsNotResolvedAgain() {
		String instance = "node-1." + TYPE;
		CachedRecords cache = new CachedRecords().receive(instance("node-1", 8081, TTL));
		assertThat(this.reader.read(BROWSED, cache, this.received).services()).containsKey("inventory");
		// the goodbye (TTL 0) replaces the cached SRV; a peer still answers with the PTR
		cache.flush(instance, MdnsRecord.Type.SRV)
			.receive(DnsPacketBuilder.response(1)
				.record(instance, TYPE_SRV, CLASS_IN | CACHE_FLUSH, 0, DnsPacketBuilder.srv(0, 0, 8081, HOST))
				.build());
		MdnsCacheReader.Reading reading = this.reader.read(BROWSED, cache, this.received);
		assertThat(reading.services()).isEmpty();
		assertThat(reading.unresolved()).isEmpty();
		// JmDNS keeps a record that said goodbye for one second, with a TTL of 1
		cache.flush(instance, MdnsRecord.Type.SRV)
			.add(new MdnsRecord.Service(instance, MdnsRecord.CLASS_IN, 1, this.received, HOST, 8081));
		reading = this.reader.read(BROWSED, cache, this.received);
		assertThat(reading.services()).isEmpty();
		assertThat(reading.unresolved()).isEmpty();
	}

	@Test
	void aGoodbyeOfThePointerRemovesTheInstance() {
		CachedRecords cache = new CachedRecords().receive(instance("node-1", 8081, TTL));
		cache.flush(TYPE, MdnsRecord.Type.PTR)
			.receive(DnsPacketBuilder.response(1)
				.record(TYPE, TYPE_PTR, CLASS_IN, 0, DnsPacketBuilder.nameBytes("node-1." + TYPE))
				.build());
		MdnsCacheReader.Reading reading = this.reader.read(BROWSED, cache, this.received);
		assertThat(reading.services()).isEmpty();
		assertThat(reading.unresolved()).isEmpty();
	}

	@Test
	void anInstanceExpiresWithItsRecords() {
		CachedRecords cache = new CachedRecords().receive(instance("node-1", 8081, 10));
		assertThat(this.reader.read(BROWSED, cache, this.received + 9_000).services()).containsKey("inventory");
		long afterExpiry = System.currentTimeMillis() + 10_000;
		MdnsCacheReader.Reading reading = this.reader.read(BROWSED, cache, afterExpiry);
		assertThat(reading.services()).isEmpty();
		assertThat(reading.unresolved()).isEmpty();
	}

	@Test
	void anAddressThatExpiredLeavesTheInstanceUnresolved() {
		String instance = "node-1." + TYPE;
		CachedRecords cache = new CachedRecords().receive(DnsPacketBuilder.response(4)
			.record(TYPE, TYPE_PTR, CLASS_IN, TTL, DnsPacketBuilder.nameBytes(instance))
			.record(instance, TYPE_SRV, CLASS_IN | CACHE_FLUSH, TTL, DnsPacketBuilder.srv(0, 0, 8081, HOST))
			.record(instance, TYPE_TXT, CLASS_IN | CACHE_FLUSH, TTL, DnsPacketBuilder.txt("a=b"))
			.record(HOST, TYPE_A, CLASS_IN | CACHE_FLUSH, 10, DnsPacketBuilder.ipv4(127, 0, 0, 1))
			.build());
		MdnsCacheReader.Reading reading = this.reader.read(BROWSED, cache, System.currentTimeMillis() + 10_000);
		assertThat(reading.services()).isEmpty();
		assertThat(reading.unresolved()).containsExactly(new MdnsCacheReader.Unresolved(TYPE, "node-1"));
	}

	@Test
	void recordsOfAnotherClassThanInternetDoNotCount() {
		CachedRecords cache = new CachedRecords().receive(instanceInClass("chaos", CLASS_CHAOS))
			.receive(instanceInClass("any", CLASS_ANY));
		MdnsCacheReader.Reading reading = this.reader.read(BROWSED, cache, this.received);
		assertThat(reading.services()).isEmpty();
		assertThat(reading.unresolved()).isEmpty();
	}

	@Test
	void aGoodbyeOfClassAnyCounts() {
		String instance = "node-1." + TYPE;
		CachedRecords cache = new CachedRecords().add(
				new MdnsRecord.Pointer(TYPE, MdnsRecord.CLASS_IN, TTL, this.received, "node-1"),
				new MdnsRecord.Service(instance, MdnsRecord.CLASS_ANY, 0, this.received, HOST, 8081));
		assertThat(this.reader.read(BROWSED, cache, this.received).unresolved()).isEmpty();
		CachedRecords chaos = new CachedRecords().add(
				new MdnsRecord.Pointer(TYPE, MdnsRecord.CLASS_IN, TTL, this.received, "node-1"),
				new MdnsRecord.Service(instance, 3, 0, this.received, HOST, 8081));
		assertThat(this.reader.read(BROWSED, chaos, this.received).unresolved()).hasSize(1);
	}

	@Test
	void aCorruptTxtRecordStillListsTheInstance() {
		String instance = "badtxt." + TYPE;
		CachedRecords cache = new CachedRecords().receive(DnsPacketBuilder.response(4)
			.record(TYPE, TYPE_PTR, CLASS_IN, TTL, DnsPacketBuilder.nameBytes(instance))
			.record(instance, TYPE_SRV, CLASS_IN | CACHE_FLUSH, TTL, DnsPacketBuilder.srv(0, 0, 9999, HOST))
			.record(instance, TYPE_TXT, CLASS_IN | CACHE_FLUSH, TTL,
					new byte[] { 3, 'a', '=', 'b', 0, (byte) 200, 'k', '=', 'v' })
			.record(HOST, TYPE_A, CLASS_IN | CACHE_FLUSH, TTL, DnsPacketBuilder.ipv4(127, 0, 0, 1))
			.build());
		assertThat(this.reader.read(BROWSED, cache, this.received).services().get("inventory")).singleElement()
			.satisfies((found) -> {
				assertThat(found.instanceId()).isEqualTo("badtxt");
				assertThat(found.port()).isEqualTo(9999);
			});
	}

	@Test
	void recordsOfOtherTypesAreLeftOut() {
		assertThat(CachedRecords.parse(DnsPacketBuilder.response(2)
			.record(HOST, TYPE_HINFO, CLASS_IN, TTL, new byte[] { 1, 'x', 1, 'y' })
			.record(HOST, TYPE_A, CLASS_IN, TTL, DnsPacketBuilder.ipv4(127, 0, 0, 1))
			.build())).singleElement().isInstanceOf(MdnsRecord.Address.class);
	}

	@Test
	void onlyTheBrowsedServicesAreRead() {
		CachedRecords cache = new CachedRecords().receive(instance("node-1", 8081, TTL));
		assertThat(this.reader.read(Map.of("orders", DnsSd.serviceType("orders", "local")), cache, this.received)
			.services()).isEmpty();
	}

	@Test
	void instancesBeyondTheLimitAreLeftOutAndCounted() {
		String orders = DnsSd.serviceType("orders", "local");
		CachedRecords cache = new CachedRecords().receive(instance("node-1", 8081, TTL))
			.receive(instance("node-2", 8082, TTL))
			.receive(instance(orders, "order-1", "host-2.local.", 9091, TTL))
			.receive(instance(orders, "order-2", "host-2.local.", 9092, TTL));
		Map<String, String> browsed = new TreeMap<>(Map.of("inventory", TYPE, "orders", orders));
		MdnsCacheReader.Reading reading = new MdnsCacheReader(3).read(browsed, cache, this.received);
		assertThat(reading.services().get("inventory")).hasSize(2);
		assertThat(reading.services().get("orders")).hasSize(1);
		assertThat(reading.ignored()).isOne();
		reading = new MdnsCacheReader(1).read(browsed, cache, this.received);
		assertThat(reading.services()).containsOnlyKeys("inventory");
		assertThat(reading.services().get("inventory")).hasSize(1);
		assertThat(reading.ignored()).isEqualTo(2);
	}

	@Test
	void goodbyeTtlIsJmdnsExpiryDelay() {
		assertThat(MdnsRecord.GOODBYE_TTL_SECONDS).isEqualTo(DNSConstants.RECORD_EXPIRY_DELAY);
	}

	private static byte[] instance(String name, int port, int ttl, String... txt) {
		return instance(TYPE, name, HOST, port, ttl, txt);
	}

	private static byte[] instance(String type, String name, String host, int port, int ttl, String... txt) {
		String instance = name + "." + type;
		return DnsPacketBuilder.response(4)
			.record(type, TYPE_PTR, CLASS_IN, ttl, DnsPacketBuilder.nameBytes(instance))
			.record(instance, TYPE_SRV, CLASS_IN | CACHE_FLUSH, ttl, DnsPacketBuilder.srv(0, 0, port, host))
			.record(instance, TYPE_TXT, CLASS_IN | CACHE_FLUSH, ttl, DnsPacketBuilder.txt(txt))
			.record(host, TYPE_A, CLASS_IN | CACHE_FLUSH, ttl, DnsPacketBuilder.ipv4(127, 0, 0, 1))
			.build();
	}

	private static byte[] instanceInClass(String name, int recordClass) {
		String instance = name + "." + TYPE;
		String host = name + ".local.";
		return DnsPacketBuilder.response(4)
			.record(TYPE, TYPE_PTR, recordClass, TTL, DnsPacketBuilder.nameBytes(instance))
			.record(instance, TYPE_SRV, recordClass | CACHE_FLUSH, TTL, DnsPacketBuilder.srv(0, 0, 7777, host))
			.record(instance, TYPE_TXT, recordClass | CACHE_FLUSH, TTL, DnsPacketBuilder.txt("a=b"))
			.record(host, TYPE_A, recordClass | CACHE_FLUSH, TTL, DnsPacketBuilder.ipv4(127, 0, 0, 1))
			.build();
	}

}
