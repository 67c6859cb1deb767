package dev.phanes.discovery;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.phanes.test.Commands;
import dev.phanes.test.LineProcess;
import dev.phanes.test.NetworkNamespaces;
import dev.phanes.test.Prerequisites;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Phanes node and a Node.js mDNS implementation, the npm package
 * {@code bonjour-service}, find each other's services and goodbyes. Each runs in its own
 * network namespace: bonjour-service exchanges no packets with JmDNS over loopback.
 * <p>
 * Needs root, {@code ip}, {@code node} and {@code npm} with access to the npm registry
 * (bonjour-service is installed once into {@code target/npm-interop}); skipped without
 * them, failed on CI.
 */
class MdnsInteropIT {

	private static final String BONJOUR_SERVICE_VERSION = "1.4.4";

	private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(3);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration GOODBYE_TIMEOUT = Duration.ofSeconds(3);

	private static NetworkNamespaces namespaces;

	private static String node;

	private static Path nodeModules;

	private final List<LineProcess> processes = new ArrayList<>();

	@BeforeAll
	static void prepare() {
		node = Commands.find("node");
		Prerequisites.require(node != null, "Node.js ('node') is not installed");
		String npm = Commands.find("npm");
		Prerequisites.require(npm != null, "'npm' is not installed");
		nodeModules = installBonjourService(npm);
		namespaces = NetworkNamespaces.create("interop");
	}

	private static Path installBonjourService(String npm) {
		Path prefix = LineProcess.buildDirectory().resolve("npm-interop");
		Path modules = prefix.resolve("node_modules");
		if (BONJOUR_SERVICE_VERSION.equals(installedVersion(modules))) {
			return modules;
		}
		Commands.Result install = Commands.run(INSTALL_TIMEOUT, List.of(npm, "install", "--prefix", prefix.toString(),
				"--no-audit", "--no-fund", "bonjour-service@" + BONJOUR_SERVICE_VERSION));
		Prerequisites.require(install.succeeded() && BONJOUR_SERVICE_VERSION.equals(installedVersion(modules)),
				"cannot install bonjour-service@" + BONJOUR_SERVICE_VERSION + " from the npm registry: "
						+ install.output().strip());
		return modules;
	}

	private static @Nullable String installedVersion(Path modules) {
		Path packageJson = modules.resolve("bonjour-service").resolve("package.json");
		try {
			return JsonMapper.shared()
				.readTree(Files.readString(packageJson, StandardCharsets.UTF_8))
				.path("version")
				.asString();
		}
		catch (IOException | JacksonException ex) {
			return null;
		}
	}

	@AfterAll
	static void deleteNamespaces() {
		if (namespaces != null) {
			namespaces.close();
		}
	}

	@AfterEach
	void stopProcesses() {
		for (LineProcess process : this.processes) {
			process.close();
		}
	}

	@Test
	void phanesAndBonjourServiceSeeEachOthersServices() {
		LineProcess bonjour = startBonjour();
		long start = System.nanoTime();
		LineProcess phanes = startPhanes();
		String phanesHost = phanes.awaitLine(0, (line) -> line.startsWith("READY "), STARTUP_TIMEOUT)
			.text()
			.split(" ")[1];

		LineProcess.Line seenByPhanes = phanes.awaitLine(0,
				MdnsNodeEvent.isSeenWithMetadata("nodeinv", "node-inventory"), DISCOVERY_TIMEOUT);
		MdnsNodeEvent bonjourService = MdnsNodeEvent.parse(seenByPhanes.text());
		assertThat(bonjourService).isNotNull();
		assertThat(bonjourService.host()).isEqualTo("198.18.0.1");
		assertThat(bonjourService.port()).isEqualTo(3000);
		assertThat(bonjourService.secure()).isFalse();
		assertThat(bonjourService.metadata()).containsExactlyEntriesOf(Map.of("lang", "js"));

		LineProcess.Line seenByBonjour = bonjour.awaitLine(0, isBonjourEvent("up", "phanes-b"), DISCOVERY_TIMEOUT);
		JsonNode phanesService = json(seenByBonjour.text()).path("service");
		assertThat(phanesService.path("type").asString()).isEqualTo("inventory");
		assertThat(phanesService.path("protocol").asString()).isEqualTo("tcp");
		assertThat(phanesService.path("port").asInt()).isEqualTo(8082);
		assertThat(phanesService.path("host").asString() + ".").isEqualTo(phanesHost);
		assertThat(strings(phanesService.path("addresses"))).containsExactly("198.18.0.2");
		assertThat(txt(phanesService.path("txt")))
			.containsExactlyInAnyOrderEntriesOf(Map.of("secure", "false", "zone", "b", "version", "1.2"));
		report("from the start of the Phanes JVM: Phanes saw bonjour-service's service after %d ms, "
				+ "bonjour-service saw Phanes's after %d ms", (seenByPhanes.nanos() - start) / 1_000_000,
				(seenByBonjour.nanos() - start) / 1_000_000);
	}

	@Test
	void phanesAndBonjourServiceHearEachOthersGoodbyes() {
		LineProcess bonjour = startBonjour();
		LineProcess phanes = startPhanes();
		phanes.awaitLine(0, MdnsNodeEvent.isSeenWithMetadata("nodeinv", "node-inventory"), DISCOVERY_TIMEOUT);
		bonjour.awaitLine(0, isBonjourEvent("up", "phanes-b"), DISCOVERY_TIMEOUT);

		int position = bonjour.lineCount();
		long start = System.nanoTime();
		phanes.send("deregister");
		LineProcess.Line down = bonjour.awaitLine(position, isBonjourEvent("down", "phanes-b"), GOODBYE_TIMEOUT);
		report("bonjour-service heard Phanes's goodbye after %d ms", (down.nanos() - start) / 1_000_000);

		position = phanes.lineCount();
		start = System.nanoTime();
		bonjour.send("exit");
		LineProcess.Line removed = phanes.awaitLine(position, MdnsNodeEvent.is("REMOVED", "nodeinv", "node-inventory"),
				GOODBYE_TIMEOUT);
		report("Phanes heard bonjour-service's goodbye after %d ms", (removed.nanos() - start) / 1_000_000);
	}

	/**
	 * Start bonjour-service in the first namespace, publishing {@code node-inventory} of
	 * type {@code nodeinv} and browsing {@code inventory}, and wait until it has
	 * published.
	 */
	private LineProcess startBonjour() {
		List<String> command = List.of(node, script().toString(), "--address=198.18.0.1", "--name=node-inventory",
				"--type=nodeinv", "--port=3000", "--host=bonjour-peer.local", "--txt=lang=js", "--browse=inventory",
				"--lifetime=60");
		LineProcess bonjour = LineProcess.start("MdnsInteropIT-bonjour", namespaces.inside(namespaces.first(), command),
				Map.of("NODE_PATH", nodeModules.toString()));
		this.processes.add(bonjour);
		bonjour.awaitLine(0, (line) -> line.contains("\"event\":\"published\""), STARTUP_TIMEOUT);
		return bonjour;
	}

	/**
	 * Start a Phanes node in the second namespace, registering {@code phanes-b} of
	 * service {@code inventory} and browsing {@code nodeinv}.
	 */
	private LineProcess startPhanes() {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = List.of(java, "-Dnet.dns.ttl=20", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
				"-Xmx128m", "-cp", System.getProperty("java.class.path"), MdnsNode.class.getName(),
				"--address=198.18.0.2", "--service=inventory", "--instance=phanes-b", "--port=8082",
				"--metadata=zone=b", "--metadata=version=1.2", "--browse=nodeinv", "--lifetime=60");
		LineProcess phanes = LineProcess.start("MdnsInteropIT-phanes", namespaces.inside(namespaces.second(), command),
				Map.of());
		this.processes.add(phanes);
		return phanes;
	}

	private static Path script() {
		try {
			return Path.of(MdnsInteropIT.class.getResource("/mdns-interop/bonjour-peer.js").toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Predicate<String> isBonjourEvent(String event, String name) {
		return (line) -> {
			JsonNode json = json(line);
			return json != null && event.equals(json.path("event").asString())
					&& name.equals(json.path("service").path("name").asString());
		};
	}

	private static @Nullable JsonNode json(String line) {
		try {
			return JsonMapper.shared().readTree(line);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static List<String> strings(JsonNode array) {
		List<String> strings = new ArrayList<>();
		for (JsonNode element : array.values()) {
			strings.add(element.asString());
		}
		return strings;
	}

	private static Map<String, String> txt(JsonNode object) {
		Map<String, String> txt = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : object.properties()) {
			txt.put(entry.getKey(), entry.getValue().asString());
		}
		return txt;
	}

	private static void report(String format, Object... arguments) {
		System.out.println("[MdnsInteropIT] " + String.format(format, arguments));
	}

}
