package dev.phanes.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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

import dev.phanes.discovery.MdnsDiscoveryClient;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Phanes gateway in front of two backends: the gateway (in the test JVM,
 * {@link GatewayApplication}, with no route of its own: the starter's service route)
 * finds the backends (each a {@code java -jar} of the sample app on loopback) by mDNS and
 * sends {@code /<service>/**} to them through Phanes' balancer. Requests spread, a hash
 * key sticks to one instance, a backend killed or stopped in the middle of a load costs
 * no request (each retry goes to an instance the attempt before did not use, even for a
 * key that chose the dead one), a new backend is routed to within the discovery bound, an
 * unknown service is a 404 problem detail and ambiguous paths never reach a backend. Only
 * counts are asserted; times are measured and reported as figures
 * ({@code target/e2e-figures.md}).
 * <p>
 * Every bound derives from the configuration: the mDNS record TTL the backends get, the
 * gateway's response timeout per attempt and the service route's retries and backoff
 * (phanes.gateway.retry.*: 2 retries, 10 to 200 ms).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PhanesGatewayIT {

	/**
	 * Record TTL given to every backend ({@code phanes.discovery.mdns.ttl}): the gateway
	 * forgets a backend that stopped without a goodbye this long after it last heard it.
	 */
	private static final Duration TTL = Duration.ofSeconds(20);

	/**
	 * A starting backend announces itself at once and the gateway hears it again within
	 * TTL/2; a killed one is forgotten within the TTL. Three TTLs leave a wide margin for
	 * two busy cores.
	 */
	private static final Duration CONVERGENCE_BOUND = TTL.multipliedBy(3);

	/**
	 * Longest wait for the response to one attempt through the gateway
	 * ({@code spring.cloud.gateway.server.webflux.httpclient.response-timeout}); longer
	 * is retried elsewhere.
	 */
	private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(3);

	/**
	 * The service route's retries ({@code phanes.gateway.retry.retries}, default).
	 */
	private static final int RETRIES = 2;

	/**
	 * The service route's longest backoff ({@code phanes.gateway.retry.max-backoff},
	 * default).
	 */
	private static final Duration MAX_BACKOFF = Duration.ofMillis(200);

	/**
	 * Longest a request through the gateway can take if every attempt times out.
	 */
	private static final Duration RETRY_BUDGET = ATTEMPT_TIMEOUT.multipliedBy(RETRIES + 1)
		.plus(MAX_BACKOFF.multipliedBy(RETRIES));

	/**
	 * A request without an answer this long after it was sent is stalled: three times the
	 * retry budget.
	 */
	private static final Duration STALL_TIMEOUT = RETRY_BUDGET.multipliedBy(3);

	private static final int BACKENDS = 2;

	private static final int KEYS = 20;

	/**
	 * Longest wait for one step of the page (the log line of a note, say): the page reads
	 * every 2 s, an instance answers within the dashboard's 2 s instance timeout.
	 */
	private static final Duration DASHBOARD_WAIT = Duration.ofSeconds(30);

	private static final int CONCURRENCY = 8;

	private static final int WARM_UP = 500;

	/**
	 * Requests of the steady run, whose throughput sizes the failover rounds.
	 */
	private static final int STEADY = 1_500;

	/**
	 * The fewest requests of a failover round.
	 */
	private static final int MIN_REQUESTS = 3_000;

	/**
	 * The most requests of a failover round.
	 */
	private static final int MAX_REQUESTS = 16_000;

	/**
	 * How long a failover round should last at the steady throughput: the stop comes a
	 * quarter of the way in, and the rest outlasts a graceful shutdown (the mDNS goodbye,
	 * {@code phanes.discovery.mdns.shutdown-delay} of 1 s, then the web server's) with a
	 * wide margin. Only sizes the load; nothing asserts it.
	 */
	private static final Duration ROUND_LENGTH = Duration.ofSeconds(8);

	/**
	 * Longest a load may run before what it has not sent counts as lost: a bound on the
	 * test's time, not an expected time. 3,000 requests fit at 10 requests per second;
	 * the slowest load seen here, through the gateway on two busy cores, ran at 127.
	 */
	private static final Duration RUN_LIMIT = Duration.ofMinutes(5);

	private static final String GATEWAY = "5. The Phanes gateway (phanes-gateway)";

	private final String run = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));

	// Names of this run only: another build on this machine may run sample apps on the
	// loopback mDNS too, under the default names.
	private final String backendService = "phanes-sample-gw-e2e-" + this.run;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final LoadClient load = new LoadClient(this.http, STALL_TIMEOUT);

	private final Set<String> stopped = new HashSet<>();

	private SampleCluster cluster;

	private volatile ConfigurableApplicationContext gateway;

	private URI viaGateway;

	private int gatewayPort;

	private @Nullable String killed;

	private int roundRequests = MIN_REQUESTS;

	@BeforeAll
	void startGatewayAndBackends() {
		Path jar = Path.of(System.getProperty("e2e.sample-jar", "target/e2e/phanes-sample-app.jar"));
		assertThat(jar).as("the sample app's jar (copied by the build)").isRegularFile();
		// The gateway starts while the backends do: it hears them announce themselves.
		CompletableFuture<Duration> gatewayStartup = new CompletableFuture<>();
		Thread starter = new Thread(() -> {
			try {
				long start = System.nanoTime();
				this.gateway = GatewayApplication.start("phanes-gateway-e2e-" + this.run, ATTEMPT_TIMEOUT,
						// The dashboard page, on loopback only: nothing else protects it
						// here.
						"--phanes.dashboard.enabled=true", "--phanes.dashboard.allow-unprotected=true",
						"--phanes.dashboard.call.enabled=true");
				gatewayStartup.complete(Duration.ofNanos(System.nanoTime() - start));
			}
			catch (RuntimeException | Error ex) {
				gatewayStartup.completeExceptionally(ex);
			}
		}, "phanes-e2e-gateway-start");
		starter.start();
		this.cluster = new SampleCluster(jar, Figures.buildDirectory(), this.backendService,
				"phanes-unused-caller-e2e-" + this.run, List.of("--phanes.discovery.mdns.ttl=" + TTL.toSeconds() + "s"),
				this.http);
		long start = System.nanoTime();
		try {
			this.cluster.start(BACKENDS, null);
		}
		finally {
			// Whatever happened, wait for the gateway, so that it is there to close.
			joinQuietly(starter, SampleCluster.READY_TIMEOUT);
		}
		Duration backendsStartup = Duration.ofNanos(System.nanoTime() - start);
		// Throws what made the gateway fail, if it did.
		Duration gatewayStarted = gatewayStartup.getNow(null);
		assertThat(gatewayStarted).as("the gateway started within %s", SampleCluster.READY_TIMEOUT).isNotNull();
		Figures.record(GATEWAY, "gateway (in the test JVM, started with the backends) start to listening",
				Figures.seconds(gatewayStarted));
		Figures.record(GATEWAY, "start of " + BACKENDS + " backend JVMs to all answering HTTP",
				Figures.seconds(backendsStartup));
		Figures.record(GATEWAY, "gateway route",
				"the starter's service route /<service>/** (no route configured); retries: " + RETRIES
						+ " of GET, HEAD and OPTIONS on 502, 503, 504, IOException or TimeoutException, each on an"
						+ " instance the attempt before did not use, backoff 10 ms to " + MAX_BACKOFF.toMillis()
						+ " ms; response timeout " + Figures.seconds(ATTEMPT_TIMEOUT)
						+ " per attempt; Phanes' balancer ejects an instance after 3 failures in a row");
		int port = this.gateway.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		this.gatewayPort = port;
		this.viaGateway = URI.create("http://127.0.0.1:" + port + "/" + this.backendService + "/instance");
	}

	@AfterAll
	void stopGatewayAndBackends() {
		try {
			if (this.gateway != null) {
				this.gateway.close();
			}
		}
		finally {
			if (this.cluster != null) {
				this.cluster.close();
			}
		}
	}

	@Test
	@Order(1)
	void requestsThroughTheGatewaySpreadOverEveryBackend() {
		Duration converged = awaitGatewaySeesTheBackends();
		Figures.record(GATEWAY, "then the gateway's discovery lists all " + BACKENDS + " backends",
				Figures.seconds(converged) + " (bound " + Figures.seconds(CONVERGENCE_BOUND) + " = 3 x mDNS TTL)");
		LoadClient.Result warmUp = this.load.run("warm-up via gateway", this.viaGateway, Map.of(), WARM_UP, CONCURRENCY,
				RUN_LIMIT);
		assertNoLoss(warmUp);
		GatewayAttempts.Counts before = attempts();
		LoadClient.Result steady = this.load.run("via gateway", this.viaGateway, Map.of(), STEADY, CONCURRENCY,
				RUN_LIMIT);
		GatewayAttempts.Counts counts = attempts().since(before);
		this.roundRequests = (int) Math.max(MIN_REQUESTS,
				Math.min(MAX_REQUESTS, steady.throughput() * ROUND_LENGTH.toSeconds()));
		Figures.record(GATEWAY,
				"keyless GET /<service>/instance via the gateway, concurrency " + CONCURRENCY + ", all backends up",
				steady.summary());
		Figures.record(GATEWAY, "spread over the backends", steady.answeredBy().toString());
		Figures.record(GATEWAY, "attempts / retries / failed attempts, all backends up",
				counts.attempts() + " / " + counts.retries() + " / " + counts.failures());
		assertNoLoss(steady);
		assertThat(steady.answeredBy().keySet()).as("backends that answered via the gateway")
			.isEqualTo(instanceIds(this.cluster.backends()));
		assertThat(serviceRequests()).as("gateway requests measured under the service's own tag")
			.isGreaterThanOrEqualTo(WARM_UP + STEADY);
	}

	@Test
	@Order(2)
	void aHashKeyAlwaysReachesTheSameInstanceAndTheTraceGoesOn() throws Exception {
		Map<String, String> byKey = new TreeMap<>();
		for (int i = 0; i < KEYS; i++) {
			String key = "user-" + i;
			Set<String> answered = new HashSet<>();
			for (int attempt = 0; attempt < 3; attempt++) {
				answered.add(instanceOf(this.http.send(keyed(key).build(), HttpResponse.BodyHandlers.ofString())));
			}
			assertThat(answered).as("instances that answered key %s", key).hasSize(1);
			byKey.put(key, answered.iterator().next());
		}
		Figures.record(GATEWAY, KEYS + " keys x 3 requests: instances per key",
				"1 each; keys per instance: " + byKey.values()
					.stream()
					.collect(java.util.stream.Collectors.groupingBy((id) -> id, TreeMap::new,
							java.util.stream.Collectors.counting())));
		assertThat(new HashSet<>(byKey.values())).as("instances the keys reach")
			.isEqualTo(instanceIds(this.cluster.backends()));
		// A query goes on as the client wrote it, whatever it holds.
		String query = "?token=abc%3D%3D&padding=abc==&next=/a?b=c&filter[a]=1&&empty=&=x&name=%C3%A9";
		assertThat(
				RawHttp.get(this.gatewayPort, "/" + this.backendService + "/instance" + query, Duration.ofSeconds(10))
					.status())
			.as("status of a request with an unusual query")
			.isEqualTo(200);
		// A trace started by the caller goes on through the gateway into the instance.
		String traceId = String.format("%032x", ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
		HttpResponse<String> traced = this.http.send(HttpRequest.newBuilder(this.viaGateway)
			.header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
			.build(), HttpResponse.BodyHandlers.ofString());
		String answeredBy = instanceOf(traced);
		SampleProcess instance = this.cluster.backends()
			.stream()
			.filter((backend) -> backend.instanceId().equals(answeredBy))
			.findFirst()
			.orElseThrow();
		URI trace = instance.uri("/actuator/traces/" + traceId);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(
					this.http.send(HttpRequest.newBuilder(trace).build(), HttpResponse.BodyHandlers.ofString())
						.statusCode())
				.as("the instance's trace collector holds the caller's trace %s", traceId)
				.isEqualTo(200));
	}

	@Test
	@Order(3)
	void theDashboardListsTheServiceCallsItAndTailsItsLogs() throws Exception {
		DashboardBrowser browser = DashboardBrowser.install();
		// The environment catalog first: one JSON document for every service.
		HttpResponse<String> catalog = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.gatewayPort + "/phanes/catalog")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(catalog.statusCode()).isEqualTo(200);
		JsonNode services = JsonMapper.shared().readTree(catalog.body());
		List<String> paths = new ArrayList<>();
		services.path(this.backendService)
			.path("http")
			.forEach((operation) -> paths.add(operation.path("path").asString()));
		assertThat(paths).as("the service's paths in the environment catalog").contains("/instance", "/notes/{id}");
		assertThat(services.path(this.backendService).path("grpc").size()).as("its gRPC methods").isPositive();
		Set<String> ids = instanceIds(this.cluster.backends());
		SampleProcess first = this.cluster.backends().get(0);
		JsonNode page = browser.run(Map.of("PHASE", "main", "DASHBOARD_URL", dashboardUrl(), "SERVICE",
				this.backendService, "EXPECTED_INSTANCES", String.valueOf(BACKENDS), "INSTANCE_URL",
				first.uri("").toString().replaceAll("/$", ""), "SCREENSHOTS", screenshots().toString(), "WAIT_MS",
				String.valueOf(DASHBOARD_WAIT.toMillis())), DASHBOARD_WAIT.multipliedBy(4));
		Set<String> listed = new HashSet<>();
		page.path("instances").forEach((id) -> listed.add(id.asString()));
		assertThat(listed).as("instances on the page").isEqualTo(ids);
		page.path("health").forEach((health) -> assertThat(health.asString()).as("health on the page").isEqualTo("UP"));
		JsonNode call = page.path("call");
		assertThat(call.path("status").asInt()).as("status of the call made from the page").isEqualTo(200);
		assertThat(call.path("instance").asString()).as("the instance the page says answered")
			.isIn(ids)
			.isEqualTo(call.path("answeredBy").asString())
			.isEqualTo(call.path("again").asString());
		assertThat(call.path("spans").size()).as("spans of the call's trace shown on the page").isPositive();
		assertThat(page.path("logLine").asString()).as("the log line of a note created after the page opened")
			.contains("Heard of note " + page.path("noteId").asString());
		assertThat(page.path("pageErrors").size()).as("script errors on the page").isZero();
		Figures.record(GATEWAY, "dashboard in headless Chromium: instances, call it (instance, spans), log line",
				listed.size() + " instances UP; answered by " + call.path("instance").asString() + " twice with key "
						+ "dashboard-user-1, " + call.path("spans").size() + " spans; '"
						+ page.path("logLine").asString() + "'");
	}

	@Test
	@Order(6)
	void anInstanceKilledDisappearsFromTheDashboard() throws Exception {
		assertThat(this.killed).as("the instance killed before").isNotNull();
		DashboardBrowser browser = DashboardBrowser.install();
		JsonNode page = browser.run(Map.of("PHASE", "gone", "DASHBOARD_URL", dashboardUrl(), "SERVICE",
				this.backendService, "GONE_INSTANCE", this.killed, "SCREENSHOTS", screenshots().toString(), "WAIT_MS",
				String.valueOf(CONVERGENCE_BOUND.toMillis())), CONVERGENCE_BOUND.multipliedBy(2));
		Set<String> listed = new HashSet<>();
		page.path("instances").forEach((id) -> listed.add(id.asString()));
		assertThat(listed).as("instances on the page")
			.doesNotContain(this.killed)
			.isEqualTo(instanceIds(this.cluster.backends()));
	}

	private String dashboardUrl() {
		return "http://127.0.0.1:" + this.gatewayPort + "/phanes/";
	}

	private static Path screenshots() throws java.io.IOException {
		return java.nio.file.Files.createDirectories(Figures.buildDirectory().resolve("dashboard-screenshots"));
	}

	@Test
	@Order(4)
	void unknownServicesAndAmbiguousPathsAreAnsweredByTheGatewayAlone() throws Exception {
		HttpResponse<String> unknown = this.http.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.gatewayPort + "/no-such-service-" + this.run + "/x"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(unknown.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(unknown.body()).contains("\"status\":404").contains("no-such-service-" + this.run);
		// From here on no request may even reach the balancer.
		long attemptsBefore = attempts().attempts();
		String service = this.backendService;
		List<String> hostile = List.of("/" + service + "/../" + service + "/instance", "/" + service + "/./instance",
				"/" + service + "%2Finstance", "/" + service + "/..%2Finstance", "/" + service + "/%2e%2e/instance",
				"/" + service + "/a%5cb", "/" + service + "//instance", "/" + service + "/instance;x=1",
				"/" + service + "/%00", "/..%2F" + service + "/instance", "/" + service + "/%252e%252e/instance");
		Map<String, Integer> statuses = new TreeMap<>();
		for (String path : hostile) {
			RawHttp.Answer answer = RawHttp.get(this.gatewayPort, path, Duration.ofSeconds(10));
			statuses.put(path, answer.status());
			assertThat(answer.status()).as("status of %s", path).isEqualTo(400);
			assertThat(answer.body()).as("answer to %s", path).contains("\"status\":400");
		}
		String longPath = "/" + service + "/" + "a".repeat(10 * 1024);
		RawHttp.Answer tooLong = RawHttp.get(this.gatewayPort, longPath, Duration.ofSeconds(10));
		statuses.put("/<service>/a x 10 KB", tooLong.status());
		assertThat(tooLong.status()).as("status of a 10 KB path").isBetween(400, 431);
		Figures.record(GATEWAY, "unknown service; ambiguous and 10 KB paths: statuses",
				"404 problem detail; " + statuses);
		assertThat(attempts().attempts()).as("attempts to reach a backend for these requests")
			.isEqualTo(attemptsBefore);
	}

	@Test
	@Order(5)
	void noKeyedRequestFailsWhenTheInstanceItsKeyChoseIsKilledMidLoad() throws Exception {
		// The key of the first backend: every request of the load is sticky to the
		// victim until it dies, then each is retried on the other.
		SampleProcess victim = this.cluster.backends().get(0);
		String key = null;
		for (int i = 0; key == null; i++) {
			String candidate = "kill-" + i;
			if (victim.instanceId()
				.equals(instanceOf(this.http.send(keyed(candidate).build(), HttpResponse.BodyHandlers.ofString())))) {
				key = candidate;
			}
		}
		this.killed = victim.instanceId();
		failover("SIGKILL (keyed, the key's instance)", victim, Map.of(GatewayApplication.KEY_HEADER, key),
				(backend) -> backend.kill(Duration.ofSeconds(10)));
	}

	@Test
	@Order(7)
	void aNewInstanceIsRoutedToWithinTheDiscoveryBound() {
		int missing = BACKENDS - this.cluster.backends().size();
		assertThat(missing).as("backends to replace").isPositive();
		Set<String> before = instanceIds(this.cluster.backends());
		this.cluster.start(missing, null);
		long started = System.nanoTime();
		Set<String> fresh = instanceIds(this.cluster.backends());
		fresh.removeAll(before);
		Set<String> answered = new HashSet<>();
		await().atMost(CONVERGENCE_BOUND).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			answered.add(instanceOf(this.http.send(HttpRequest.newBuilder(this.viaGateway).build(),
					HttpResponse.BodyHandlers.ofString())));
			assertThat(answered).as("instances that answered via the gateway").containsAll(fresh);
		});
		Figures.record(GATEWAY, "a new backend answering HTTP until it answers via the gateway",
				Figures.seconds(Duration.ofNanos(System.nanoTime() - started)) + " (bound "
						+ Figures.seconds(CONVERGENCE_BOUND) + ")");
	}

	@Test
	@Order(8)
	void noRequestFailsOrStallsWhenABackendIsStoppedMidLoad() {
		failover("SIGTERM (keyless)", this.cluster.backends().get(0), Map.of(),
				(backend) -> assertThat(backend.terminate(Duration.ofSeconds(30)))
					.as("%s exited on SIGTERM within 30 s", backend)
					.isTrue());
	}

	private HttpRequest.Builder keyed(String key) {
		return HttpRequest.newBuilder(this.viaGateway).header(GatewayApplication.KEY_HEADER, key);
	}

	private static String instanceOf(HttpResponse<String> response) {
		assertThat(response.statusCode()).as("status of %s", response.uri()).isEqualTo(200);
		java.util.regex.Matcher matcher = SampleProcess.INSTANCE_ID.matcher(response.body());
		assertThat(matcher.find()).as("an instance id in %s", response.body()).isTrue();
		return matcher.group(1);
	}

	/**
	 * The gateway's request meters tagged with the backends' service.
	 */
	private long serviceRequests() {
		return this.gateway.getBean(MeterRegistry.class)
			.find("spring.cloud.gateway.requests")
			.tag("service", this.backendService)
			.timers()
			.stream()
			.mapToLong(io.micrometer.core.instrument.Timer::count)
			.sum();
	}

	/**
	 * Send load through the gateway, stop one backend a quarter of the way in, and count
	 * what the load saw.
	 */
	private void failover(String signal, SampleProcess victim, Map<String, String> headers,
			Consumer<SampleProcess> stop) {
		awaitGatewaySeesTheBackends();
		String victimId = victim.instanceId();
		GatewayAttempts.Counts before = attempts();
		double ejectionsBefore = ejections();
		int requests = this.roundRequests;
		LoadClient.Run run = this.load.start("failover " + signal + " via gateway", this.viaGateway, headers, requests,
				CONCURRENCY, RUN_LIMIT);
		await().atMost(RUN_LIMIT).until(() -> run.completed() >= requests / 4);
		long stoppedAt = System.nanoTime();
		long completedAtSignal = run.completed();
		stop.accept(victim);
		Duration stopping = Duration.ofNanos(System.nanoTime() - stoppedAt);
		long completedAtExit = run.completed();
		this.cluster.stopped(victim);
		this.stopped.add(victimId);
		LoadClient.Result result = run.await();
		GatewayAttempts.Counts counts = attempts().since(before);
		double ejections = ejections() - ejectionsBefore;
		awaitGatewaySeesTheBackends();
		Duration dropped = Duration.ofNanos(System.nanoTime() - stoppedAt);
		Figures.record(GATEWAY,
				signal + " of one of " + BACKENDS + " backends after " + completedAtSignal + " of " + requests
						+ " requests via the gateway (stall: no answer in " + Figures.seconds(STALL_TIMEOUT) + ")",
				result.summary());
		Figures.record(GATEWAY, signal + ": failed / stalled", result.failed() + " / " + result.stalled());
		Figures.record(GATEWAY, signal + ": answers per backend (stopped one: " + victimId + ")",
				result.answeredBy().toString());
		Figures.record(GATEWAY, signal + ": gateway attempts / retries / failed attempts by cause",
				counts.attempts() + " / " + counts.retries() + " / " + counts.failures());
		Figures.record(GATEWAY, signal + ": instances ejected by Phanes' balancer (phanes.loadbalancer.ejections)",
				String.format("%.0f", ejections));
		Figures.record(GATEWAY, signal + ": the signal until the process was gone",
				Figures.seconds(stopping) + "; requests completed meanwhile: " + (completedAtExit - completedAtSignal)
						+ ", after: " + (result.completed() - completedAtExit));
		Figures.record(GATEWAY, signal + ": the signal until the gateway's discovery no longer lists it",
				Figures.seconds(dropped) + " (at most after the load; bound " + Figures.seconds(CONVERGENCE_BOUND)
						+ ")");
		assertNoLoss(result);
		assertThat(counts.attempts()).as("gateway attempts: one per request plus the retries")
			.isEqualTo(result.completed() + counts.retries());
	}

	/**
	 * Wait until the gateway's discovery lists every running backend and none of the
	 * stopped ones.
	 * @return how long it took
	 */
	private Duration awaitGatewaySeesTheBackends() {
		long start = System.nanoTime();
		Set<String> expected = instanceIds(this.cluster.backends());
		MdnsDiscoveryClient discovery = this.gateway.getBean(MdnsDiscoveryClient.class);
		await().atMost(CONVERGENCE_BOUND).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			Set<String> seen = new HashSet<>();
			discovery.getInstances(this.backendService).forEach((instance) -> seen.add(instance.getInstanceId()));
			assertThat(seen).as("backends the gateway discovers").containsAll(expected);
			assertThat(seen).as("stopped backends the gateway still lists")
				.filteredOn(this.stopped::contains)
				.isEmpty();
		});
		return Duration.ofNanos(System.nanoTime() - start);
	}

	private static void joinQuietly(Thread thread, Duration timeout) {
		try {
			thread.join(timeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private GatewayAttempts.Counts attempts() {
		return this.gateway.getBean(GatewayAttempts.class).counts();
	}

	/**
	 * How many times the gateway's balancer has ejected an instance.
	 */
	private double ejections() {
		return this.gateway.getBean(MeterRegistry.class)
			.find("phanes.loadbalancer.ejections")
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	private static void assertNoLoss(LoadClient.Result result) {
		assertThat(result.sent()).as("%s: requests sent", result.label()).isEqualTo(result.requested());
		assertThat(result.completed()).as("%s: requests with an outcome", result.label()).isEqualTo(result.sent());
		assertThat(result.failures()).as("%s: failed requests", result.label()).isEmpty();
		assertThat(result.stalled()).as("%s: stalled requests", result.label()).isZero();
	}

	private static Set<String> instanceIds(List<SampleProcess> processes) {
		Set<String> ids = new HashSet<>();
		processes.forEach((process) -> ids.add(process.instanceId()));
		return ids;
	}

}
