package dev.phanes.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Boot Admin on Phanes' mDNS discovery: an admin server (in the test JVM,
 * {@link AdminServerApplication}) finds two sample apps (each a {@code java -jar} on
 * loopback) through the {@code DiscoveryClient} and monitors them, reading where their
 * Actuator endpoints are from the metadata Phanes publishes. Instance A runs on the
 * defaults, instance B serves its endpoints on a management port of its own
 * ({@code management.server.port=0}) under {@code /manage}: both are shown UP with their
 * endpoints, and A, stopped with SIGTERM, leaves the admin server's list.
 * <p>
 * Every bound derives from the configuration: the admin server's status interval and the
 * mDNS record TTL the instances get.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpringBootAdminIT {

	private static final String ADMIN = "Spring Boot Admin on Phanes' discovery";

	/**
	 * How often the admin server asks each instance for its health, and how long a status
	 * counts as fresh. Not less than 2 s: the admin server gives each request at most the
	 * interval less its own margin.
	 */
	private static final Duration STATUS_INTERVAL = Duration.ofSeconds(2);

	/**
	 * Record TTL given to the instances ({@code phanes.discovery.mdns.ttl}): the admin
	 * server forgets an instance that stopped without a goodbye this long after it last
	 * heard it.
	 */
	private static final Duration TTL = Duration.ofSeconds(10);

	/**
	 * A starting instance announces itself at once and the admin server hears it again
	 * within TTL/2 if it missed that; it is registered at once, asked for its endpoints
	 * at once and for its health within a status interval, answered within another. Three
	 * times that leaves a wide margin for two busy cores.
	 */
	private static final Duration APPEAR_BOUND = TTL.dividedBy(2).plus(STATUS_INTERVAL.multipliedBy(2)).multipliedBy(3);

	/**
	 * An instance stopped with SIGTERM says goodbye at once; if the goodbye were lost,
	 * its records would expire after the TTL. Twice the TTL leaves a wide margin.
	 */
	private static final Duration LEAVE_BOUND = TTL.multipliedBy(2);

	private static final Duration STOP_GRACE = Duration.ofSeconds(30);

	private static final Pattern WEB_SERVER_PORT = Pattern.compile("started on port (\\d+)");

	private final String run = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));

	// Names of this run only: another build on this machine may run sample apps on the
	// loopback mDNS too.
	private final String prefix = "phanes-sba-e2e-" + this.run;

	private final String serviceA = this.prefix + "-a";

	private final String serviceB = this.prefix + "-b";

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final JsonMapper json = new JsonMapper();

	private final List<SampleProcess> processes = new ArrayList<>();

	private final Thread shutdownHook = new Thread(() -> this.processes.forEach(SampleProcess::destroyForcibly),
			"phanes-e2e-sba-stop");

	private @Nullable ConfigurableApplicationContext admin;

	private @Nullable SampleProcess a;

	private @Nullable SampleProcess b;

	private URI instances = URI.create("http://127.0.0.1/instances");

	@BeforeAll
	void startAdminServerAndInstances() {
		Path jar = Path.of(System.getProperty("e2e.sample-jar", "target/e2e/phanes-sample-app.jar"));
		assertThat(jar).as("the sample app's jar (copied by the build)").isRegularFile();
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
		long start = System.nanoTime();
		String ttl = "--phanes.discovery.mdns.ttl=" + TTL.toSeconds() + "s";
		this.a = start(jar, "sba-a", List.of(ttl, "--spring.application.name=" + this.serviceA));
		this.b = start(jar, "sba-b", List.of(ttl, "--spring.application.name=" + this.serviceB,
				"--management.server.port=0", "--management.endpoints.web.base-path=/manage"));
		// The admin server starts while the instances do.
		this.admin = AdminServerApplication.start(this.prefix + "-admin", this.prefix + "-*", STATUS_INTERVAL);
		Duration adminStarted = since(start);
		int port = this.admin.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		this.instances = URI.create("http://127.0.0.1:" + port + "/instances");
		this.processes.forEach((process) -> process.awaitReady(this.http, SampleCluster.READY_TIMEOUT));
		Figures.record(ADMIN, "admin server (in the test JVM, started with the instances) start to listening",
				Figures.seconds(adminStarted));
		Figures.record(ADMIN, "start of 2 sample JVMs to both answering HTTP", Figures.seconds(since(start)));
	}

	private SampleProcess start(Path jar, String name, List<String> arguments) {
		SampleProcess process = SampleProcess.start(name, jar, Figures.buildDirectory(), arguments);
		this.processes.add(process);
		return process;
	}

	@AfterAll
	void stopEverything() {
		try {
			if (this.admin != null) {
				this.admin.close();
			}
		}
		finally {
			this.processes.stream().filter(SampleProcess::isAlive).forEach(SampleProcess::destroyGracefully);
			this.processes.stream().filter(SampleProcess::isAlive).forEach((process) -> process.terminate(STOP_GRACE));
			try {
				Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
			}
			catch (IllegalStateException ex) {
				// the JVM is already shutting down; the hook runs anyway
			}
		}
	}

	@Test
	@Order(1)
	void showsBothInstancesUpWithTheirActuatorEndpointsWhereverTheyAre() throws IOException, InterruptedException {
		SampleProcess a = running(this.a);
		SampleProcess b = running(this.b);
		String aUrl = a.uri("").toString();
		String bManagementUrl = "http://127.0.0.1:" + managementPort(b) + "/manage";
		long start = System.nanoTime();
		await().atMost(APPEAR_BOUND).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			Map<String, JsonNode> shown = instancesByName();
			assertThat(shown).containsKeys(this.serviceA, this.serviceB);
			JsonNode instanceA = shown.get(this.serviceA);
			assertThat(text(instanceA, "registration", "source")).isEqualTo("discovery");
			assertThat(text(instanceA, "registration", "serviceUrl")).isEqualTo(aUrl);
			assertThat(text(instanceA, "registration", "managementUrl")).isEqualTo(aUrl + "/actuator");
			assertThat(text(instanceA, "registration", "healthUrl")).isEqualTo(aUrl + "/actuator/health");
			assertThat(text(instanceA, "statusInfo", "status")).isEqualTo("UP");
			assertThat(endpoints(instanceA)).containsKeys("health", "info")
				.allSatisfy((id, url) -> assertThat(url).startsWith(aUrl + "/actuator/"));
			JsonNode instanceB = shown.get(this.serviceB);
			assertThat(text(instanceB, "registration", "source")).isEqualTo("discovery");
			assertThat(text(instanceB, "registration", "serviceUrl")).isEqualTo(b.uri("").toString());
			assertThat(text(instanceB, "registration", "managementUrl")).isEqualTo(bManagementUrl);
			assertThat(text(instanceB, "registration", "healthUrl")).isEqualTo(bManagementUrl + "/health");
			assertThat(text(instanceB, "statusInfo", "status")).isEqualTo("UP");
			assertThat(endpoints(instanceB)).containsKeys("health", "info")
				.allSatisfy((id, url) -> assertThat(url).startsWith(bManagementUrl + "/"));
		});
		Duration shown = since(start);
		Map<String, JsonNode> instances = instancesByName();
		Figures.record(ADMIN, "then both listed UP with their endpoints (B on its management port, under /manage)",
				Figures.seconds(shown) + " (bound " + Figures.seconds(APPEAR_BOUND)
						+ " = 3 x (TTL/2 + 2 x status interval))");
		Figures.record(ADMIN, "A's metadata", metadata(instances.get(this.serviceA)));
		Figures.record(ADMIN, "B's metadata", metadata(instances.get(this.serviceB)));
		Figures.record(ADMIN, "B's health URL",
				String.valueOf(text(instances.get(this.serviceB), "registration", "healthUrl")));
	}

	@Test
	@Order(2)
	void anInstanceStoppedWithSigtermLeavesTheList() throws IOException, InterruptedException {
		SampleProcess a = running(this.a);
		await().atMost(APPEAR_BOUND)
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> assertThat(instancesByName()).containsKeys(this.serviceA, this.serviceB));
		long start = System.nanoTime();
		a.destroyGracefully();
		await().atMost(LEAVE_BOUND)
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(instancesByName()).doesNotContainKey(this.serviceA));
		Duration left = since(start);
		assertThat(instancesByName()).as("the instance still running").containsKey(this.serviceB);
		Figures.record(ADMIN, "SIGTERM of A to A gone from GET /instances",
				Figures.seconds(left) + " (bound " + Figures.seconds(LEAVE_BOUND) + " = 2 x mDNS TTL)");
	}

	/**
	 * The instances the admin server lists ({@code GET /instances}), by name.
	 */
	private Map<String, JsonNode> instancesByName() throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(this.instances)
			.header("Accept", "application/json")
			.timeout(Duration.ofSeconds(5))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET /instances").isEqualTo(200);
		Map<String, JsonNode> byName = new HashMap<>();
		for (JsonNode instance : this.json.readTree(response.body())) {
			String name = text(instance, "registration", "name");
			if (name != null) {
				byName.put(name, instance);
			}
		}
		return byName;
	}

	private static @Nullable String text(JsonNode node, String... path) {
		JsonNode current = node;
		for (String name : path) {
			current = current.path(name);
		}
		return current.isValueNode() ? current.asString() : null;
	}

	private static Map<String, @Nullable String> endpoints(JsonNode instance) {
		Map<String, @Nullable String> endpoints = new HashMap<>();
		for (JsonNode endpoint : instance.path("endpoints")) {
			endpoints.put(text(endpoint, "id"), text(endpoint, "url"));
		}
		return endpoints;
	}

	private static String metadata(JsonNode instance) {
		return instance.path("registration").path("metadata").toString();
	}

	/**
	 * The port of an instance's management server: the web server that started after its
	 * own, as its log tells.
	 */
	private static int managementPort(SampleProcess process) {
		int own = process.uri("").getPort();
		try {
			Matcher matcher = WEB_SERVER_PORT.matcher(Files.readString(process.logFile(), StandardCharsets.UTF_8));
			while (matcher.find()) {
				int port = Integer.parseInt(matcher.group(1));
				if (port != own) {
					return port;
				}
			}
		}
		catch (IOException ex) {
			throw new AssertionError("Cannot read the log of " + process, ex);
		}
		throw new AssertionError(process + " logged no management server; its log ends:\n" + process.logTail());
	}

	private static SampleProcess running(@Nullable SampleProcess process) {
		assertThat(process).as("a started instance").isNotNull();
		return process;
	}

	private static Duration since(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

}
