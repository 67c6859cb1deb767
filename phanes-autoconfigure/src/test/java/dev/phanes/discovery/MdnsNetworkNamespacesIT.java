package dev.phanes.discovery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.phanes.test.LineProcess;
import dev.phanes.test.NetworkNamespaces;
import dev.phanes.test.NetworkNamespaces.Namespace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Phanes nodes, each a JVM in its own network namespace, find each other over a real
 * link (veth pairs and a bridge) and notice when the other leaves: by goodbye, by dying,
 * or by its cable being pulled for longer than the record TTL, and see it again when the
 * cable is back.
 * <p>
 * Needs root and {@code ip}; skipped without them, failed on CI.
 */
class MdnsNetworkNamespacesIT {

	private static final int TTL_SECONDS = 4;

	private static final String SERVICE = "inventory";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration EXPIRY_TIMEOUT = Duration.ofSeconds(TTL_SECONDS + 3);

	private static final Duration SETTLE_TIME = Duration.ofSeconds(5);

	private static NetworkNamespaces namespaces;

	private final List<LineProcess> nodes = new ArrayList<>();

	@BeforeAll
	static void createNamespaces() {
		namespaces = NetworkNamespaces.create("mdns");
	}

	@AfterAll
	static void deleteNamespaces() {
		if (namespaces != null) {
			namespaces.close();
		}
	}

	@AfterEach
	void stopNodes() {
		for (LineProcess node : this.nodes) {
			node.close();
		}
	}

	@Test
	void nodesSeeEachOtherWithAddressPortAndMetadata() {
		Pair pair = startPair();
		MdnsNodeEvent secondSeen = awaitWithMetadata(pair.first(), "node-b");
		MdnsNodeEvent firstSeen = awaitWithMetadata(pair.second(), "node-a");
		assertThat(firstSeen.host()).isEqualTo("198.18.0.1");
		assertThat(firstSeen.port()).isEqualTo(8081);
		assertThat(firstSeen.secure()).isFalse();
		assertThat(firstSeen.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("zone", "a", "version", "1.2"));
		assertThat(secondSeen.host()).isEqualTo("198.18.0.2");
		assertThat(secondSeen.port()).isEqualTo(8082);
		assertThat(secondSeen.secure()).isTrue();
		assertThat(secondSeen.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("zone", "b", "version", "1.2"));
	}

	@Test
	void deregisteredNodeDisappearsAtOnce() {
		Pair pair = startSettledPair();
		int position = pair.second().lineCount();
		long start = System.nanoTime();
		pair.first().send("deregister");
		LineProcess.Line removed = pair.second()
			.awaitLine(position, MdnsNodeEvent.is("REMOVED", SERVICE, "node-a"), Duration.ofSeconds(TTL_SECONDS - 1));
		report("goodbye: node-a gone from node-b's view after %d ms", millisSince(start, removed));
	}

	@Test
	void nodeRegisteredAgainRightAfterDeregisteringReturns() {
		Pair pair = startSettledPair();
		int position = pair.second().lineCount();
		pair.first().send("deregister");
		pair.second()
			.awaitLine(position, MdnsNodeEvent.is("REMOVED", SERVICE, "node-a"), Duration.ofSeconds(TTL_SECONDS));
		position = pair.second().lineCount();
		pair.first().send("register");
		pair.first().awaitLine(0, (line) -> line.equals("REGISTERED"), DISCOVERY_TIMEOUT);
		pair.second().awaitLine(position, MdnsNodeEvent.is("ADDED", SERVICE, "node-a"), DISCOVERY_TIMEOUT);
	}

	@Test
	void killedNodeExpiresAfterTheTtl() {
		Pair pair = startSettledPair();
		int position = pair.second().lineCount();
		long start = System.nanoTime();
		pair.first().kill();
		LineProcess.Line removed = pair.second()
			.awaitLine(position, MdnsNodeEvent.is("REMOVED", SERVICE, "node-a"), EXPIRY_TIMEOUT);
		report("SIGKILL: node-a gone from node-b's view after %d ms (TTL %d s)", millisSince(start, removed),
				TTL_SECONDS);
		assertThat(pair.second().isAlive()).isTrue();
	}

	@Test
	void peersExpireWhileTheCableIsPulledAndReturnWhenItIsPluggedIn() {
		Pair pair = startSettledPair();
		Namespace first = namespaces.first();
		int firstPosition = pair.first().lineCount();
		int secondPosition = pair.second().lineCount();
		long start = System.nanoTime();
		namespaces.setCableConnected(first, false);
		try {
			LineProcess.Line firstLost = pair.second()
				.awaitLine(secondPosition, MdnsNodeEvent.is("REMOVED", SERVICE, "node-a"), EXPIRY_TIMEOUT);
			LineProcess.Line secondLost = pair.first()
				.awaitLine(firstPosition, MdnsNodeEvent.is("REMOVED", SERVICE, "node-b"), EXPIRY_TIMEOUT);
			report("cable pulled: node-a gone from node-b's view after %d ms, node-b from node-a's after %d ms",
					millisSince(start, firstLost), millisSince(start, secondLost));
			firstPosition = pair.first().lineCount();
			secondPosition = pair.second().lineCount();
			start = System.nanoTime();
		}
		finally {
			namespaces.setCableConnected(first, true);
		}
		LineProcess.Line firstBack = pair.second()
			.awaitLine(secondPosition, MdnsNodeEvent.is("ADDED", SERVICE, "node-a"), EXPIRY_TIMEOUT);
		LineProcess.Line secondBack = pair.first()
			.awaitLine(firstPosition, MdnsNodeEvent.is("ADDED", SERVICE, "node-b"), EXPIRY_TIMEOUT);
		report("cable plugged in: node-a back in node-b's view after %d ms, node-b in node-a's after %d ms",
				millisSince(start, firstBack), millisSince(start, secondBack));
		assertThat(event(firstBack).host()).isEqualTo("198.18.0.1");
		assertThat(event(secondBack).host()).isEqualTo("198.18.0.2");
		assertOpen(pair.first());
		assertOpen(pair.second());
	}

	/**
	 * JmDNS cannot survive its own interface going down (sending fails with ENETUNREACH,
	 * it tries to recover and gives up after about 10 s); what Phanes can do is say so:
	 * the transport reports itself closed, so health turns DOWN, and the node leaves its
	 * peer's view. docs/discovery.md tells users to restart such an instance.
	 */
	@Test
	void nodeWhoseInterfaceWentDownReportsItself() {
		Pair pair = startSettledPair();
		Namespace first = namespaces.first();
		int position = pair.second().lineCount();
		namespaces.setLinkUp(first, false);
		try {
			pair.second().awaitLine(position, MdnsNodeEvent.is("REMOVED", SERVICE, "node-a"), EXPIRY_TIMEOUT);
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> status(pair.first()).equals("STATUS open=false"));
		}
		finally {
			namespaces.setLinkUp(first, true);
		}
	}

	/**
	 * Start node-a (port 8081, plain) in the first namespace and node-b (port 8082,
	 * secure) in the second, and wait until each has seen the other.
	 */
	private Pair startPair() {
		LineProcess first = startNode(namespaces.first(), "node-a", 8081, false, "a");
		LineProcess second = startNode(namespaces.second(), "node-b", 8082, true, "b");
		long start = System.nanoTime();
		for (LineProcess node : List.of(first, second)) {
			String ready = node.awaitLine(0, (line) -> line.startsWith("READY "), STARTUP_TIMEOUT).text();
			assertThat(ready).endsWith(" " + TTL_SECONDS);
		}
		long ready = System.nanoTime();
		first.awaitLine(0, MdnsNodeEvent.is("ADDED", SERVICE, "node-b"), DISCOVERY_TIMEOUT);
		second.awaitLine(0, MdnsNodeEvent.is("ADDED", SERVICE, "node-a"), DISCOVERY_TIMEOUT);
		report("both nodes ready after %d ms, each saw the other %d ms later", (ready - start) / 1_000_000,
				(System.nanoTime() - ready) / 1_000_000);
		return new Pair(first, second, ready);
	}

	/**
	 * Start a pair and wait until JmDNS has finished probing and announces the services
	 * itself. Before that only Phanes's first announcement, sent at registration, speaks
	 * for them, and with a TTL this short it expires before JmDNS's first announcement
	 * (each node drops the other for about two seconds).
	 */
	private Pair startSettledPair() {
		Pair pair = startPair();
		long settled = pair.readyNanos() + SETTLE_TIME.toNanos();
		long wait = settled - System.nanoTime();
		if (wait > 0) {
			try {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		awaitPresent(pair.first(), "node-b");
		awaitPresent(pair.second(), "node-a");
		return pair;
	}

	/**
	 * Wait until a node has seen an instance with its TXT record. The view may first show
	 * the instance without it (no metadata, not secure) when it reads the cache while
	 * JmDNS is still storing the records of one packet; that is reported, not failed.
	 */
	private static MdnsNodeEvent awaitWithMetadata(LineProcess node, String instanceId) {
		LineProcess.Line line = node.awaitLine(0, MdnsNodeEvent.isSeenWithMetadata(SERVICE, instanceId),
				DISCOVERY_TIMEOUT);
		Predicate<String> added = MdnsNodeEvent.is("ADDED", SERVICE, instanceId);
		for (LineProcess.Line earlier : node.lines()) {
			if (earlier.nanos() < line.nanos() && added.test(earlier.text()) && event(earlier).metadata().isEmpty()) {
				report("%s first saw %s without its TXT record: '%s'", node.name(), instanceId, earlier.text());
			}
		}
		return event(line);
	}

	private static void awaitPresent(LineProcess node, String instanceId) {
		long deadline = System.nanoTime() + DISCOVERY_TIMEOUT.toNanos();
		int position = node.lineCount();
		while (!isPresent(node, instanceId)) {
			Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
			node.awaitLine(position, (line) -> true, left);
			position++;
		}
	}

	private static boolean isPresent(LineProcess node, String instanceId) {
		boolean present = false;
		for (LineProcess.Line line : node.lines()) {
			MdnsNodeEvent event = MdnsNodeEvent.parse(line.text());
			if (event != null && event.serviceId().equals(SERVICE) && event.instanceId().equals(instanceId)) {
				present = !event.kind().equals("REMOVED");
			}
		}
		return present;
	}

	private static void assertOpen(LineProcess node) {
		assertThat(status(node)).as(node.name()).isEqualTo("STATUS open=true");
	}

	private static String status(LineProcess node) {
		int position = node.lineCount();
		node.send("status");
		return node.awaitLine(position, (line) -> line.startsWith("STATUS "), DISCOVERY_TIMEOUT).text();
	}

	private LineProcess startNode(Namespace namespace, String instance, int port, boolean secure, String zone) {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = List.of(java, "-Dnet.dns.ttl=" + TTL_SECONDS, "-XX:TieredStopAtLevel=1",
				"-XX:+UseSerialGC", "-Xmx128m", "-cp", System.getProperty("java.class.path"), MdnsNode.class.getName(),
				"--address=" + namespace.address().getHostAddress(), "--service=" + SERVICE, "--instance=" + instance,
				"--port=" + port, "--secure=" + secure, "--metadata=zone=" + zone, "--metadata=version=1.2",
				"--browse=" + SERVICE, "--lifetime=60");
		LineProcess node = LineProcess.start(getClass().getSimpleName() + "-" + instance,
				namespaces.inside(namespace, command), Map.of());
		this.nodes.add(node);
		return node;
	}

	private static MdnsNodeEvent event(LineProcess.Line line) {
		MdnsNodeEvent event = MdnsNodeEvent.parse(line.text());
		assertThat(event).as("view change in '%s'", line.text()).isNotNull();
		return event;
	}

	private static long millisSince(long start, LineProcess.Line line) {
		return (line.nanos() - start) / 1_000_000;
	}

	private static void report(String format, Object... arguments) {
		System.out.println("[MdnsNetworkNamespacesIT] " + String.format(format, arguments));
	}

	private record Pair(LineProcess first, LineProcess second, long readyNanos) {

	}

}
