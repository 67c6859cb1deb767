package dev.phanes.discovery;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two mDNS engines on loopback, one registering and one browsing.
 */
class MdnsViewTests {

	private MdnsTransport publisherTransport;

	private MdnsTransport browserTransport;

	private MdnsView publisherView;

	private MdnsView browserView;

	private MdnsServiceRegistry registry;

	private final List<DiscoveryChange> changes = new CopyOnWriteArrayList<>();

	@BeforeEach
	void open() throws Exception {
		InetAddress loopback = InetAddress.getByName("127.0.0.1");
		this.publisherTransport = MdnsTransport.open(loopback, Duration.ofSeconds(1));
		this.browserTransport = MdnsTransport.open(loopback, Duration.ofSeconds(1));
		this.publisherView = view(this.publisherTransport);
		this.browserView = view(this.browserTransport);
		this.browserView.addListener(this.changes::add);
		this.publisherView.start();
		this.browserView.start();
		this.registry = new MdnsServiceRegistry(this.publisherTransport, this.publisherView, "local", 1300);
	}

	private static MdnsView view(MdnsTransport transport) {
		return new MdnsView(transport, "local", Duration.ofMillis(50), Duration.ofMillis(500), 16, 64);
	}

	@AfterEach
	void close() {
		this.publisherView.close();
		this.browserView.close();
		this.publisherTransport.close();
		this.browserTransport.close();
	}

	@Test
	void browserSeesRegistrationAndGoodbye() {
		String service = "inventory-" + Long.toHexString(System.nanoTime());
		MdnsRegistration registration = new MdnsRegistration(service, "node-1", "127.0.0.1", 8081, false,
				Map.of("zone", "a", "version", "1.2"));
		this.browserView.browse(service);
		long start = System.nanoTime();
		this.registry.register(registration);
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.browserView.instances(service).isEmpty());
		System.out.println("added after " + (System.nanoTime() - start) / 1_000_000 + " ms");
		DiscoveredInstance instance = this.browserView.instances(service).get(0);
		assertThat(instance.instanceId()).isEqualTo("node-1");
		assertThat(instance.host()).isEqualTo("127.0.0.1");
		assertThat(instance.port()).isEqualTo(8081);
		assertThat(instance.metadata()).containsEntry("zone", "a").containsEntry("version", "1.2");
		assertThat(instance.isSecure()).isFalse();
		start = System.nanoTime();
		this.registry.deregister(registration);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.browserView.instances(service).isEmpty());
		System.out.println("removed after " + (System.nanoTime() - start) / 1_000_000 + " ms");
		assertThat(this.changes).anySatisfy((change) -> assertThat(change.added()).contains(instance));
		assertThat(this.changes).anySatisfy((change) -> assertThat(change.removed()).contains(instance));
	}

	@Test
	void firstLookupAnswersWithTheInstancesThatEndedIt() throws Exception {
		String service = "stock-" + Long.toHexString(System.nanoTime());
		try (MdnsView patient = new MdnsView(this.browserTransport, "local", Duration.ofMillis(50),
				Duration.ofSeconds(10), 16, 64)) {
			patient.start();
			CompletableFuture<List<DiscoveredInstance>> lookup = patient.lookup(service);
			assertThat(lookup).isNotDone();
			this.registry.register(new MdnsRegistration(service, "node-1", "127.0.0.1", 8081, false, Map.of()));
			// well before the first lookup timeout: the instance ended the wait, so it is
			// in the answer
			assertThat(lookup.get(5, TimeUnit.SECONDS)).extracting(DiscoveredInstance::instanceId)
				.containsExactly("node-1");
		}
	}

}
