package dev.phanes.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three backends of one service and a caller that calls that service by name, each a
 * {@code java -jar} of the sample app on loopback: discovery converges, keyless calls
 * spread evenly over the backends and one user's calls stay on one, and a backend killed
 * or stopped in the middle of a load costs no request. Only counts are asserted; times
 * are measured and reported as figures ({@code target/e2e-figures.md}).
 * <p>
 * Every bound derives from the configuration the processes get: the mDNS record TTL, the
 * per-attempt response timeout of the caller's load balancer and Phanes' retry defaults
 * (two more instances, backoff at most 200 ms).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleClusterIT {

	/**
	 * Record TTL given to every process ({@code phanes.discovery.mdns.ttl}): JmDNS
	 * re-announces a service at half of it, and peers forget an instance that stopped
	 * without a goodbye this long after they last heard it.
	 */
	private static final Duration TTL = Duration.ofSeconds(20);

	/**
	 * A starting instance announces itself at once and an instance that missed it hears
	 * it again within TTL/2; a killed one is forgotten within the TTL. Three TTLs leave a
	 * wide margin for two busy cores.
	 */
	private static final Duration CONVERGENCE_BOUND = TTL.multipliedBy(3);

	/**
	 * Longest wait for one attempt of a call through the caller's load balancer
	 * ({@code phanes.loadbalancer.response-timeout}); longer is retried elsewhere.
	 */
	private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(3);

	/**
	 * Phanes' default
	 * {@code spring.cloud.loadbalancer.retry.max-retries-on-next-service-instance}.
	 */
	private static final int RETRIES = 2;

	/**
	 * Phanes' default {@code spring.cloud.loadbalancer.retry.backoff.max-backoff}.
	 */
	private static final Duration MAX_BACKOFF = Duration.ofMillis(200);

	/**
	 * Longest a call through the caller can take if every attempt times out.
	 */
	private static final Duration RETRY_BUDGET = ATTEMPT_TIMEOUT.multipliedBy(RETRIES + 1)
		.plus(MAX_BACKOFF.multipliedBy(RETRIES));

	/**
	 * A request without an answer this long after it was sent is stalled: three times the
	 * retry budget.
	 */
	private static final Duration STALL_TIMEOUT = RETRY_BUDGET.multipliedBy(3);

	private static final int BACKENDS = 3;

	private static final int REQUESTS = 10_000;

	private static final int CONCURRENCY = 8;

	/**
	 * How long each path is loaded before it is measured: a fresh caller's CPU per
	 * proxied request falls from about 6 ms to 0.3 ms over its first 50,000 requests
	 * while the JIT compiles it, so a count of a few thousand measures the compiler.
	 */
	private static final Duration WARM_UP = Duration.ofSeconds(20);

	/**
	 * Upper bound of requests in a warm-up, which ends by time.
	 */
	private static final int WARM_UP_REQUESTS = 500_000;

	private static final int STICKY_REQUESTS = 2_000;

	/**
	 * Longest a load may run before what it has not sent counts as lost: a bound on the
	 * test's time, not an expected time. 10,000 requests fit at 34 requests per second;
	 * the slowest load seen here, through the caller on two busy cores, ran at 153.
	 */
	private static final Duration RUN_LIMIT = Duration.ofMinutes(5);

	private static final String DISCOVERY = "1. Discovery";

	private static final String LOAD = "2. Load";

	private static final String FAILOVER = "3. Failover";

	private final String run = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));

	// Names of this run only: another build on this machine may run sample apps on the
	// loopback mDNS too, under the default names.
	private final String backendService = "phanes-sample-e2e-" + this.run;

	private final String callerService = "phanes-caller-e2e-" + this.run;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final LoadClient load = new LoadClient(this.http, STALL_TIMEOUT);

	private SampleCluster cluster;

	private SampleProcess directCaller;

	private Duration startup = Duration.ZERO;

	@BeforeAll
	void startCluster() {
		Path jar = Path.of(System.getProperty("e2e.sample-jar", "target/e2e/phanes-sample-app.jar"));
		assertThat(jar).as("the sample app's jar (copied by the build)").isRegularFile();
		this.cluster = new SampleCluster(jar, Figures.buildDirectory(), this.backendService, this.callerService,
				List.of("--phanes.discovery.mdns.ttl=" + TTL.toSeconds() + "s"), this.http);
		long start = System.nanoTime();
		this.cluster.start(BACKENDS,
				List.of("--phanes.loadbalancer.response-timeout=" + ATTEMPT_TIMEOUT.toMillis() + "ms"));
		this.startup = Duration.ofNanos(System.nanoTime() - start);
		// A second caller that calls the first backend at its URL, with no balancer: the
		// same hops and observations as the caller, to measure what the balancer costs.
		this.directCaller = SampleProcess.start("caller-direct", jar, Figures.buildDirectory(),
				List.of("--phanes.discovery.mdns.ttl=" + TTL.toSeconds() + "s",
						"--spring.application.name=" + this.callerService + "-direct",
						"--sample.peer-url=" + this.cluster.backends().get(0).uri("")));
		this.directCaller.awaitReady(this.http, SampleCluster.READY_TIMEOUT);
	}

	@AfterAll
	void stopCluster() {
		if (this.directCaller != null && this.directCaller.isAlive()) {
			this.directCaller.terminate(Duration.ofSeconds(30));
		}
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	@Order(1)
	void everyInstanceDiscoversEveryOther() {
		Duration converged = this.cluster.awaitConverged(CONVERGENCE_BOUND);
		Figures.record(DISCOVERY, "instances", BACKENDS + " backends + 1 caller, started at once");
		Figures.record(DISCOVERY, "start of the JVMs to all answering HTTP", Figures.seconds(this.startup));
		Figures.record(DISCOVERY, "then every instance's GET /discovery lists all " + (BACKENDS + 1),
				Figures.seconds(converged) + " (bound " + Figures.seconds(CONVERGENCE_BOUND) + " = 3 x mDNS TTL)");
	}

	@Test
	@Order(2)
	void keylessCallsSpreadEvenlyOverTheBackendsAndKeepUpWithCallsStraightToOne() {
		this.cluster.awaitConverged(CONVERGENCE_BOUND);
		URI viaCaller = this.cluster.caller().uri("/peer/instance");
		URI viaDirectCaller = this.directCaller.uri("/peer/instance");
		SampleProcess target = this.cluster.backends().get(0);
		URI straight = target.uri("/instance");
		// The same warm-up on every path, so none is measured with a colder JIT.
		LoadClient.Result warmUp = this.load.run("warm-up via caller", viaCaller, Map.of(), WARM_UP_REQUESTS,
				CONCURRENCY, WARM_UP);
		this.load.run("warm-up via direct caller", viaDirectCaller, Map.of(), WARM_UP_REQUESTS, CONCURRENCY, WARM_UP);
		this.load.run("warm-up straight", straight, Map.of(), WARM_UP_REQUESTS, CONCURRENCY, WARM_UP);
		LoadClient.Result caller = this.load.run("via caller", viaCaller, Map.of(), REQUESTS, CONCURRENCY, RUN_LIMIT);
		LoadClient.Result fixed = this.load.run("via direct caller", viaDirectCaller, Map.of(), REQUESTS, CONCURRENCY,
				RUN_LIMIT);
		LoadClient.Result direct = this.load.run("straight", straight, Map.of(), REQUESTS, CONCURRENCY, RUN_LIMIT);
		Figures.record(LOAD, "warm-up of each path", Figures.seconds(WARM_UP) + " (via the caller: " + warmUp.answered()
				+ " requests, " + warmUp.failures().size() + " kinds of failure)");
		Figures.record(LOAD, "keyless GET /peer/instance via the caller, concurrency " + CONCURRENCY, caller.summary());
		Figures.record(LOAD, "spread over the backends (even: " + caller.answered() / BACKENDS + " each, +/-10%)",
				String.valueOf(caller.answeredBy().values()));
		Figures.record(LOAD,
				"the same through a caller that calls one backend at its URL (no balancer), concurrency " + CONCURRENCY,
				fixed.summary());
		Figures.record(LOAD, "GET /instance straight to one backend, concurrency " + CONCURRENCY, direct.summary());
		Figures.record(LOAD, "balancer's cost: throughput via caller / via the caller without balancer (goal >= 0.9)",
				String.format("%.2f", caller.throughput() / fixed.throughput()));
		Figures.record(LOAD, "a hop's cost: throughput via caller / straight (two HTTP exchanges and a client call"
				+ " against one exchange)", String.format("%.2f", caller.throughput() / direct.throughput()));
		assertNoLoss(caller);
		assertNoLoss(fixed);
		assertNoLoss(direct);
		Set<String> backends = instanceIds(this.cluster.backends());
		assertThat(caller.answeredBy().keySet()).as("backends that answered").isEqualTo(backends);
		long even = caller.answered() / BACKENDS;
		assertThat(caller.answeredBy().values()).as("answers per backend, against %d each", even)
			.allSatisfy((count) -> assertThat(count).isBetween(even * 9 / 10, even * 11 / 10));
	}

	@Test
	@Order(3)
	void oneUsersCallsAllGoToOneBackend() {
		this.cluster.awaitConverged(CONVERGENCE_BOUND);
		LoadClient.Result alice = this.load.run("sticky", this.cluster.caller().uri("/peer/instance"),
				Map.of("X-User-Id", "alice"), STICKY_REQUESTS, CONCURRENCY, RUN_LIMIT);
		Figures.record(LOAD, "GET /peer/instance with X-User-Id: alice", alice.summary());
		Figures.record(LOAD, "backends that answered alice", alice.answeredBy().toString());
		assertNoLoss(alice);
		assertThat(alice.answeredBy()).as("backends that answered alice").hasSize(1);
		assertThat(instanceIds(this.cluster.backends())).containsAll(alice.answeredBy().keySet());
	}

	@Test
	@Order(4)
	void noCallFailsOrStallsWhenABackendIsKilledMidLoad() {
		failover("SIGKILL", (backend) -> backend.kill(Duration.ofSeconds(10)));
	}

	@Test
	@Order(5)
	void noCallFailsOrStallsWhenABackendIsStoppedMidLoad() {
		failover("SIGTERM",
				(backend) -> assertThat(backend.terminate(Duration.ofSeconds(30)))
					.as("%s exited on SIGTERM within 30 s", backend)
					.isTrue());
	}

	/**
	 * Send keyless load through the caller, stop one backend a quarter of the way in, and
	 * count what the load saw; a round that finds fewer than three backends (the one
	 * before stopped one) first starts a replacement.
	 */
	private void failover(String signal, Consumer<SampleProcess> stop) {
		int missing = BACKENDS - this.cluster.backends().size();
		if (missing > 0) {
			this.cluster.start(missing, null);
		}
		this.cluster.awaitConverged(CONVERGENCE_BOUND);
		SampleProcess caller = this.cluster.caller();
		SampleProcess victim = this.cluster.backends().get(0);
		String victimId = victim.instanceId();
		double retriesBefore = callerMeter("phanes_loadbalancer_retries_total");
		LoadClient.Run run = this.load.start("failover " + signal, caller.uri("/peer/instance"), Map.of(), REQUESTS,
				CONCURRENCY, RUN_LIMIT);
		await().atMost(RUN_LIMIT).until(() -> run.completed() >= REQUESTS / 4);
		long stopped = System.nanoTime();
		stop.accept(victim);
		Duration stopping = Duration.ofNanos(System.nanoTime() - stopped);
		this.cluster.stopped(victim);
		LoadClient.Result result = run.await();
		double retries = callerMeter("phanes_loadbalancer_retries_total") - retriesBefore;
		this.cluster.awaitConverged(CONVERGENCE_BOUND);
		Duration dropped = Duration.ofNanos(System.nanoTime() - stopped);
		Figures.record(FAILOVER,
				signal + " of one of " + BACKENDS + " backends after " + REQUESTS / 4 + " of " + REQUESTS
						+ " keyless requests (stall: no answer in " + Figures.seconds(STALL_TIMEOUT) + ")",
				result.summary());
		Figures.record(FAILOVER, signal + ": failed / stalled", result.failed() + " / " + result.stalled());
		Figures.record(FAILOVER, signal + ": answers per instance (stopped one: " + victimId + ")",
				result.answeredBy().toString());
		Figures.record(FAILOVER, signal + ": retries on another instance (caller's meter)",
				String.format("%.0f", retries));
		Figures.record(FAILOVER, signal + ": the signal until the process was gone", Figures.seconds(stopping));
		Figures.record(FAILOVER, signal + ": the signal until no view lists it (at most after the load)",
				Figures.seconds(dropped) + " (bound " + Figures.seconds(CONVERGENCE_BOUND) + ")");
		assertThat(result.sent()).as("requests sent").isEqualTo((int) result.completed());
		assertThat(result.failures()).as(() -> "failed requests; the caller's log ends:\n" + caller.logTail())
			.isEmpty();
		assertThat(result.stalled()).as(() -> "stalled requests; the caller's log ends:\n" + caller.logTail()).isZero();
	}

	private static void assertNoLoss(LoadClient.Result result) {
		assertThat(result.sent()).as("%s: requests sent", result.label()).isEqualTo(result.requested());
		assertThat(result.failures()).as("%s: failed requests", result.label()).isEmpty();
		assertThat(result.stalled()).as("%s: stalled requests", result.label()).isZero();
	}

	/**
	 * Sum the samples of one meter in the caller's {@code /actuator/prometheus}.
	 */
	private double callerMeter(String name) {
		try {
			HttpResponse<String> response = this.http
				.send(HttpRequest.newBuilder(this.cluster.caller().uri("/actuator/prometheus"))
					.timeout(Duration.ofSeconds(10))
					.build(), HttpResponse.BodyHandlers.ofString());
			return response.body()
				.lines()
				.filter((line) -> line.startsWith(name + "{") || line.startsWith(name + " "))
				.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
				.sum();
		}
		catch (IOException ex) {
			return Double.NaN;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Double.NaN;
		}
	}

	private static Set<String> instanceIds(List<SampleProcess> processes) {
		Set<String> ids = new HashSet<>();
		processes.forEach((process) -> ids.add(process.instanceId()));
		return ids;
	}

}
