package dev.phanes.e2e;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.phanes.e2e.ConfigSamples.Greeting;
import dev.phanes.test.EtcdServer;
import dev.phanes.test.Prerequisites;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three sample-app processes with the {@code etcd} profile, each importing and watching
 * {@code /config/phanes-sample/} from one real etcd: a put reaches every process's
 * {@code GET /greeting}; an invalid value is rejected everywhere, shown by
 * {@code phanesConfig} and holds back a later valid change until it is fixed (the
 * documented all-or-nothing reload); and an etcd outage takes every process out of
 * readiness, never liveness, while it keeps serving its last values, and puts it back
 * without a restart when etcd returns on the same ports and data.
 * <p>
 * Outcomes are asserted; times are figures ({@code target/e2e-figures.md}), bounded only
 * by wide margins over the configuration named beside each bound.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigIT {

	private static final String CONFIG = "Dynamic config from etcd";

	private static final int PROCESSES = 3;

	private static final int PUTS = 10;

	/**
	 * The prefix {@code application-etcd.yml} imports.
	 */
	private static final String PREFIX = "/config/phanes-sample/";

	private static final String MESSAGE = PREFIX + "sample/greeting/message";

	private static final String SHOUT = PREFIX + "sample/greeting/shout";

	/**
	 * {@code phanes.config.reload.coalesce} (default): a reload starts this long after
	 * the first change of a burst.
	 */
	private static final Duration COALESCE = Duration.ofMillis(20);

	/**
	 * What a reload adds beyond the coalescing delay, at most, by docs/config.md
	 * ("Limits": 10–30 ms).
	 */
	private static final Duration RELOAD_WORK = Duration.ofMillis(30);

	/**
	 * {@code phanes.config.etcd.request-timeout} (default): a reload reads the prefix
	 * within it, and a health check's background probe of etcd gives up after it.
	 */
	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

	/**
	 * {@code phanes.config.etcd.retry-interval} (default): the wait before a failed watch
	 * reads its prefix again.
	 */
	private static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

	/**
	 * A put is live once the watch event has arrived and one reload has run: the
	 * documented coalesce plus reload (50 ms) with a margin of 100 for cold JITs on two
	 * busy cores, plus one request timeout for the reload's read of the prefix.
	 */
	private static final Duration RELOAD_BOUND = COALESCE.plus(RELOAD_WORK).multipliedBy(100).plus(REQUEST_TIMEOUT);

	/**
	 * The watch fails at once when etcd goes and a health check's probe gives up within
	 * one request timeout (docs/config.md, "When etcd is away"): four of them.
	 */
	private static final Duration DOWN_BOUND = REQUEST_TIMEOUT.multipliedBy(4);

	/**
	 * How long etcd stays down at least: long enough for a health check's probe to give
	 * up (request timeout) and for the watch to retry (retry interval) while it is down,
	 * as in an outage that is not a blip.
	 */
	private static final Duration OUTAGE = REQUEST_TIMEOUT.plus(RETRY_INTERVAL).plusSeconds(1);

	private static final Duration OUTAGE_POLL = Duration.ofMillis(250);

	/**
	 * The longest outage the bounds below allow for: the wait for readiness DOWN and the
	 * hold.
	 */
	private static final Duration MAX_OUTAGE = DOWN_BOUND.plus(OUTAGE);

	/**
	 * After an outage the first answer from etcd puts readiness back; it waits for the
	 * gRPC channel's reconnect backoff (grpc-java's defaults: 1 s, times 1.6 per attempt,
	 * jitter 20 %), whose next attempt after an outage of length d comes within about 1.6
	 * d + 1 s. The bound is twice that plus a probe (request timeout) and a watch retry
	 * (retry interval), taking d as {@link #MAX_OUTAGE}.
	 */
	private static final Duration UP_BOUND = MAX_OUTAGE.multipliedBy(16)
		.dividedBy(10)
		.plusSeconds(1)
		.plus(REQUEST_TIMEOUT)
		.plus(RETRY_INTERVAL)
		.multipliedBy(2);

	private static final Duration STOP_GRACE = Duration.ofSeconds(30);

	private static final Duration GREETING_POLL = Duration.ofMillis(5);

	private static final Duration HEALTH_POLL = Duration.ofMillis(20);

	private final String run = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final List<SampleProcess> processes = new ArrayList<>();

	private final ConfigSamples samples = new ConfigSamples(this.http, this.processes);

	private final Thread shutdownHook = new Thread(() -> this.processes.forEach(SampleProcess::destroyForcibly),
			"phanes-e2e-config-stop");

	private @Nullable EtcdServer etcd;

	private @Nullable Client writer;

	/**
	 * The message every process should serve.
	 */
	private String message = "";

	@BeforeAll
	void startEtcdAndSamples() {
		String executable = EtcdServer.executable();
		if (executable == null) {
			return;
		}
		Path jar = Path.of(System.getProperty("e2e.sample-jar", "target/e2e/phanes-sample-app.jar"));
		assertThat(jar).as("the sample app's jar (copied by the build)").isRegularFile();
		EtcdServer server = new EtcdServer(executable);
		this.etcd = server;
		this.message = "from etcd at start-up " + this.run;
		put(MESSAGE, this.message);
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
		long start = System.nanoTime();
		for (int i = 1; i <= PROCESSES; i++) {
			this.processes.add(SampleProcess.start("config-etcd-" + i, jar, Figures.buildDirectory(),
					List.of("--spring.profiles.active=etcd", "--phanes.config.etcd.endpoints=" + server.endpoint(),
							"--spring.application.name=phanes-config-e2e-" + this.run)));
		}
		this.processes.forEach((process) -> process.awaitReady(this.http, SampleCluster.READY_TIMEOUT));
		Figures.record(CONFIG, "processes",
				PROCESSES + " sample apps (profile etcd, started at once) on one etcd, all on loopback");
		Figures.record(CONFIG, "start of the JVMs to all answering HTTP", Figures.seconds(since(start)));
	}

	/**
	 * Skips (or fails on CI) each test without etcd, rather than the class before its
	 * first test, which Maven would report as no tests run.
	 */
	@BeforeEach
	void requireEtcd() {
		Prerequisites.require(this.etcd != null,
				"the etcd program (/usr/bin/etcd or on the PATH; Debian package etcd-server)");
	}

	@AfterAll
	void stopEverything() {
		this.processes.stream().filter(SampleProcess::isAlive).forEach(SampleProcess::destroyGracefully);
		this.processes.stream().filter(SampleProcess::isAlive).forEach((process) -> process.terminate(STOP_GRACE));
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is already shutting down; the hook runs anyway
		}
		this.samples.close();
		if (this.writer != null) {
			this.writer.close();
		}
		if (this.etcd != null) {
			this.etcd.close();
		}
	}

	@Test
	@Order(1)
	void everyProcessServesEachPutWithinTheReloadBound() throws IOException, InterruptedException {
		this.samples.awaitEverywhere("the imported greeting", RELOAD_BOUND, System.nanoTime(), GREETING_POLL,
				(process) -> this.message.equals(this.samples.greeting(process).message()));
		this.samples.awaitEverywhere("readiness UP", RELOAD_BOUND, System.nanoTime(), HEALTH_POLL,
				(process) -> this.samples.status(process, "/actuator/health/readiness") == 200);
		Map<SampleProcess, List<Long>> visible = new LinkedHashMap<>();
		this.processes.forEach((process) -> visible.put(process, new ArrayList<>()));
		List<Long> slowest = new ArrayList<>();
		Map<SampleProcess, double[]> timerBefore = new LinkedHashMap<>();
		for (SampleProcess process : this.processes) {
			timerBefore.put(process, this.samples.reloadTimer(process));
		}
		for (int i = 1; i <= PUTS; i++) {
			String next = "put " + i + " of " + this.run;
			long put = System.nanoTime();
			put(MESSAGE, next);
			this.message = next;
			Map<SampleProcess, Duration> times = this.samples.awaitEverywhere("put " + i + " on /greeting",
					RELOAD_BOUND, put, GREETING_POLL,
					(process) -> next.equals(this.samples.greeting(process).message()));
			times.forEach((process, time) -> visible.get(process).add(time.toMillis()));
			slowest.add(times.values().stream().mapToLong(Duration::toMillis).max().orElseThrow());
		}
		visible.forEach((process, times) -> Figures.record(CONFIG,
				"put → visible on GET /greeting, " + process.name() + ", " + PUTS + " puts (poll every "
						+ GREETING_POLL.toMillis() + " ms), p50 / max",
				percentile(times, 50) + " ms / " + percentile(times, 100) + " ms"));
		for (SampleProcess process : this.processes) {
			double[] before = timerBefore.get(process);
			double[] after = this.samples.reloadTimer(process);
			Figures.record(CONFIG, "phanes.config.reload timer (etcd, success) over those puts, " + process.name(),
					String.format("%.0f reloads, mean %.0f ms (watch event → beans rebound, with the coalesce)",
							after[0] - before[0], (after[1] - before[1]) * 1e3 / Math.max(1, after[0] - before[0])));
		}
		Figures.record(CONFIG, "put → visible on all " + PROCESSES + " processes, p50 / max over " + PUTS + " puts",
				percentile(slowest, 50) + " ms / " + percentile(slowest, 100) + " ms (bound "
						+ Figures.seconds(RELOAD_BOUND) + " = 100 x (coalesce + documented reload) + request timeout)");
	}

	@Test
	@Order(2)
	void anInvalidValueIsRejectedEverywhereAndHoldsBackLaterChangesUntilFixed()
			throws IOException, InterruptedException {
		String good = this.message;
		// sample.greeting.shout is a boolean: binding "loudly" fails, so the change is
		// rejected before anything is applied.
		put(SHOUT, "loudly");
		this.samples.awaitEverywhere("the rejection under phanesConfig", RELOAD_BOUND, System.nanoTime(), HEALTH_POLL,
				(process) -> this.samples.rejection(process) != null);
		Map<SampleProcess, Long> reloads = new LinkedHashMap<>();
		for (SampleProcess process : this.processes) {
			assertThat(this.samples.greeting(process)).as("greeting on %s after the invalid put", process)
				.isEqualTo(new Greeting(good, false));
			assertThat(this.samples.rejection(process)).as("phanesConfig's rejected change on %s", process)
				.contains("sample.greeting.shout")
				.contains("loudly");
			reloads.put(process, this.samples.reloadCount(process));
		}
		Figures.record(CONFIG, "put sample/greeting/shout=loudly (not a boolean)",
				"rejected on " + PROCESSES + " of " + PROCESSES + "; GET /greeting keeps the last good values");
		Figures.record(CONFIG, "phanesConfig lastRejectedChange.problems",
				this.samples.rejection(this.processes.get(0)));
		// Documented: one invalid value holds back every later change until it is fixed.
		String held = "held back " + this.run;
		put(MESSAGE, held);
		this.samples.awaitEverywhere("the reload of the held-back put", RELOAD_BOUND, System.nanoTime(), HEALTH_POLL,
				(process) -> this.samples.reloadCount(process) > reloads.get(process));
		for (SampleProcess process : this.processes) {
			assertThat(this.samples.greeting(process))
				.as("greeting on %s after a valid put while shout is invalid", process)
				.isEqualTo(new Greeting(good, false));
			assertThat(this.samples.rejection(process)).as("phanesConfig's rejected change on %s", process).isNotNull();
		}
		Figures.record(CONFIG, "then a valid put of sample/greeting/message", "held back on " + PROCESSES + " of "
				+ PROCESSES + " (documented: a reload applies all sources or none)");
		long fix = System.nanoTime();
		put(SHOUT, "true");
		Map<SampleProcess, Duration> fixed = this.samples.awaitEverywhere("the fix and the held-back put", RELOAD_BOUND,
				fix, GREETING_POLL, (process) -> new Greeting(held, true).equals(this.samples.greeting(process)));
		this.message = held;
		for (SampleProcess process : this.processes) {
			assertThat(this.samples.rejection(process))
				.as("phanesConfig's rejected change on %s after the fix", process)
				.isNull();
		}
		Figures.record(CONFIG, "then put shout=true (the fix): both changes live on all, max",
				max(fixed) + " ms; lastRejectedChange gone from phanesConfig");
		put(SHOUT, "false");
		this.samples.awaitEverywhere("shout=false", RELOAD_BOUND, System.nanoTime(), GREETING_POLL,
				(process) -> new Greeting(held, false).equals(this.samples.greeting(process)));
	}

	@Test
	@Order(3)
	void anEtcdOutageTakesEveryProcessOutOfReadinessOnlyAndItComesBackWithoutARestart()
			throws IOException, InterruptedException {
		EtcdServer server = this.etcd;
		assertThat(server).isNotNull();
		Map<SampleProcess, String> ids = new LinkedHashMap<>();
		this.processes.forEach((process) -> ids.put(process, process.instanceId()));
		long stop = System.nanoTime();
		server.stop();
		closeWriter();
		Map<SampleProcess, Duration> down = this.samples.awaitEverywhere("readiness DOWN (503) after etcd stopped",
				DOWN_BOUND, stop, HEALTH_POLL,
				(process) -> this.samples.status(process, "/actuator/health/readiness") == 503);
		int checks = 0;
		do {
			for (SampleProcess process : this.processes) {
				assertThat(this.samples.status(process, "/actuator/health/readiness"))
					.as("readiness on %s while etcd is down", process)
					.isEqualTo(503);
				assertThat(this.samples.status(process, "/actuator/health/liveness"))
					.as("liveness on %s while etcd is down", process)
					.isEqualTo(200);
				assertThat(this.samples.greeting(process)).as("greeting on %s while etcd is down", process)
					.isEqualTo(new Greeting(this.message, false));
			}
			checks++;
			SampleProcess.pause(OUTAGE_POLL);
		}
		while (since(stop).compareTo(OUTAGE) < 0 && checks < OUTAGE.dividedBy(OUTAGE_POLL));
		Duration outage = since(stop);
		assertThat(outage).as("outage the bounds assume").isLessThan(MAX_OUTAGE);
		server.start();
		long back = System.nanoTime();
		Map<SampleProcess, Duration> up = this.samples.awaitEverywhere("readiness UP (200) after etcd came back",
				UP_BOUND, back, HEALTH_POLL,
				(process) -> this.samples.status(process, "/actuator/health/readiness") == 200);
		for (SampleProcess process : this.processes) {
			assertThat(process.isAlive()).as("%s still runs", process).isTrue();
			assertThat(this.samples.instanceId(process)).as("instance id of %s (not restarted)", process)
				.isEqualTo(ids.get(process));
		}
		String after = "after the outage " + this.run;
		long put = System.nanoTime();
		put(MESSAGE, after);
		Map<SampleProcess, Duration> live = this.samples.awaitEverywhere("the put after the outage",
				RELOAD_BOUND.plus(UP_BOUND), put, GREETING_POLL,
				(process) -> after.equals(this.samples.greeting(process).message()));
		this.message = after;
		Figures.record(CONFIG, "etcd stopped → readiness 503, per process",
				millis(down) + " (bound " + Figures.seconds(DOWN_BOUND) + " = 4 x request timeout)");
		Figures.record(CONFIG, "outage (stop → start of etcd, same ports and data)", Figures.seconds(outage) + "; "
				+ checks + " rounds of checks on all meanwhile: readiness 503, liveness 200, greeting kept");
		Figures.record(CONFIG, "etcd healthy again → readiness 200, per process (no restart)",
				millis(up) + " (bound " + Figures.seconds(UP_BOUND) + ")");
		Figures.record(CONFIG, "put after recovery → visible on all, max (put on a new client)", max(live) + " ms");
	}

	/**
	 * Write a key through the test's own jetcd client and wait for etcd's answer.
	 */
	private void put(String key, String value) {
		EtcdServer server = this.etcd;
		assertThat(server).isNotNull();
		Client client = this.writer;
		if (client == null) {
			client = Client.builder().endpoints(server.endpoint()).build();
			this.writer = client;
		}
		try {
			client.getKVClient()
				.put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value, StandardCharsets.UTF_8))
				.get(10, TimeUnit.SECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new AssertionError("put " + key + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
	}

	/**
	 * Close the writing client, so that the next put connects afresh instead of waiting
	 * out its own reconnect backoff.
	 */
	private void closeWriter() {
		if (this.writer != null) {
			this.writer.close();
			this.writer = null;
		}
	}

	private static long percentile(List<Long> values, int percent) {
		List<Long> sorted = new ArrayList<>(values);
		sorted.sort(null);
		int index = Math.max(0, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1);
		return sorted.get(index);
	}

	private static long max(Map<SampleProcess, Duration> times) {
		return times.values().stream().mapToLong(Duration::toMillis).max().orElseThrow();
	}

	private static String millis(Map<SampleProcess, Duration> times) {
		List<String> parts = new ArrayList<>();
		times.forEach((process, time) -> parts.add(process.name() + " " + time.toMillis() + " ms"));
		return String.join(", ", parts);
	}

	private static Duration since(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

}
