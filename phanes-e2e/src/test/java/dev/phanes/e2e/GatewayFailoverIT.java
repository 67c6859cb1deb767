package dev.phanes.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import dev.phanes.discovery.MdnsDiscoveryClient;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Spring Cloud Gateway in front of three backends, instead of a caller: the gateway (in
 * the test JVM, {@link GatewayApplication}) finds the backends (each a {@code java -jar}
 * of the sample app on loopback) by mDNS and balances over them with Phanes' balancer,
 * and a backend killed or stopped in the middle of a load costs no request, because the
 * gateway's Retry filter tries the request again and Phanes' balancer sets the failed
 * instance aside. Only counts are asserted; times are measured and reported as figures
 * ({@code target/e2e-figures.md}).
 * <p>
 * Every bound derives from the configuration: the mDNS record TTL the backends get, the
 * gateway's response timeout per attempt and its Retry filter's retries and backoff.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayFailoverIT {

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
	 * The Retry filter's {@code retries}: as many as Phanes' own default for
	 * {@code @LoadBalanced} clients (two more instances).
	 */
	private static final int RETRIES = 2;

	/**
	 * The Retry filter's {@code backoff.max-backoff}.
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

	private static final int BACKENDS = 3;

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

	private static final String GATEWAY = "5. Failover through a Spring Cloud Gateway";

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
				this.gateway = GatewayApplication.start("phanes-gateway-e2e-" + this.run, this.backendService,
						ATTEMPT_TIMEOUT, RETRIES, MAX_BACKOFF);
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
				GatewayApplication.PREFIX + "/** -> lb://<service>, StripPrefix=1, Retry: " + RETRIES
						+ " retries of GET on 5xx, IOException or TimeoutException, backoff 10 ms to "
						+ MAX_BACKOFF.toMillis() + " ms; response timeout " + Figures.seconds(ATTEMPT_TIMEOUT)
						+ " per attempt; Phanes' balancer sets a failed instance aside for 30 s");
		int port = this.gateway.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		this.viaGateway = URI.create("http://127.0.0.1:" + port + GatewayApplication.PREFIX + "/instance");
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
		Figures.record(GATEWAY, "keyless GET " + GatewayApplication.PREFIX + "/instance via the gateway, concurrency "
				+ CONCURRENCY + ", all backends up", steady.summary());
		Figures.record(GATEWAY, "spread over the backends", steady.answeredBy().toString());
		Figures.record(GATEWAY, "attempts / retries / failed attempts, all backends up",
				counts.attempts() + " / " + counts.retries() + " / " + counts.failures());
		assertNoLoss(steady);
		assertThat(steady.answeredBy().keySet()).as("backends that answered via the gateway")
			.isEqualTo(instanceIds(this.cluster.backends()));
	}

	@Test
	@Order(2)
	void noRequestFailsOrStallsWhenABackendIsKilledMidLoad() {
		failover("SIGKILL", (backend) -> backend.kill(Duration.ofSeconds(10)));
	}

	@Test
	@Order(3)
	void noRequestFailsOrStallsWhenABackendIsStoppedMidLoad() {
		failover("SIGTERM",
				(backend) -> assertThat(backend.terminate(Duration.ofSeconds(30)))
					.as("%s exited on SIGTERM within 30 s", backend)
					.isTrue());
	}

	/**
	 * Send keyless load through the gateway, stop one backend a quarter of the way in,
	 * and count what the load saw; a round that finds fewer than three backends (the one
	 * before stopped one) first starts a replacement and waits until the gateway sees it.
	 */
	private void failover(String signal, Consumer<SampleProcess> stop) {
		int missing = BACKENDS - this.cluster.backends().size();
		if (missing > 0) {
			this.cluster.start(missing, null);
		}
		awaitGatewaySeesTheBackends();
		SampleProcess victim = this.cluster.backends().get(0);
		String victimId = victim.instanceId();
		GatewayAttempts.Counts before = attempts();
		double ejectionsBefore = ejections();
		int requests = this.roundRequests;
		LoadClient.Run run = this.load.start("failover " + signal + " via gateway", this.viaGateway, Map.of(), requests,
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
						+ " keyless requests via the gateway (stall: no answer in " + Figures.seconds(STALL_TIMEOUT)
						+ ")",
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
