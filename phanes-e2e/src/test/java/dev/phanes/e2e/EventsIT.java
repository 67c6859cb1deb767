package dev.phanes.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
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
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import dev.phanes.test.RestartableKafkaExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app's {@code kafka} profile as real processes on one KRaft broker (a child
 * JVM that can be stopped and started again on the same ports and data): a producer
 * (where notes are created, and the backend that a caller calls by name), a consumer
 * whose {@code @EventListener} logs every note it hears, and a caller.
 * <p>
 * A note created through the caller ({@code POST /peer/notes}) is one trace: the caller
 * stores it (in an SQLite file it shares with the backend), publishes its
 * {@code NoteCreated} and reads it back from the backend through its load balancer; the
 * trace goes on in the backend's handling of that call and in the consumer's handling of
 * the event. A thousand notes created at a steady pace while the consumer is killed and
 * started again, and later while the broker is stopped for a while, all reach the
 * consumer and the producer's own listener: none is lost; the ones delivered twice
 * (delivery is at least once) are counted, not refused. Only counts and links are
 * asserted; times are figures.
 * <p>
 * Every bound derives from configuration: the consumer group's session timeout (10 s,
 * {@code session.timeout.ms} in {@code application-kafka.yml}), the mDNS TTL the
 * processes get and the span export delay they get.
 */
@ExtendWith(RestartableKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventsIT {

	private static final String EVENTS = "Events across restarts";

	private static final String TRACE = "One trace across HTTP and Kafka";

	/**
	 * The consumer group's session timeout ({@code session.timeout.ms} in
	 * {@code application-kafka.yml}): a member that stopped without leaving is replaced
	 * after it. A static member restarted under its {@code group.instance.id} needs no
	 * wait at all.
	 */
	private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Longest wait for a restarted consumer's first event once it answers HTTP: even if
	 * static membership did not work, the group would rebalance one session timeout after
	 * the kill; three of them leave a wide margin.
	 */
	private static final Duration REJOIN_BOUND = SESSION_TIMEOUT.multipliedBy(3);

	/**
	 * Longest wait for an event to arrive after the broker is back, or for every note to
	 * arrive after the last one was created: a reconnection, a coordinator lookup and at
	 * worst a rebalance after a session timeout; six of them leave a wide margin (the
	 * producer keeps an unacknowledged event for two minutes,
	 * {@code phanes.event.kafka.delivery-timeout}).
	 */
	private static final Duration DELIVERY_BOUND = SESSION_TIMEOUT.multipliedBy(6);

	/**
	 * How long the broker is down.
	 */
	private static final Duration OUTAGE = Duration.ofSeconds(12);

	/**
	 * Record TTL given to every process ({@code phanes.discovery.mdns.ttl}); a starting
	 * instance announces itself at once, and one missed is heard again within half of it.
	 */
	private static final Duration TTL = Duration.ofSeconds(20);

	/**
	 * Longest wait for the caller to find the backend: three TTLs.
	 */
	private static final Duration DISCOVERY_BOUND = TTL.multipliedBy(3);

	/**
	 * The delay of each process's span export
	 * ({@code management.opentelemetry.tracing.export.schedule-delay}), which the trace
	 * collector receives through.
	 */
	private static final Duration SPAN_EXPORT_DELAY = Duration.ofMillis(200);

	/**
	 * Longest wait for a trace's spans to reach every collector: an event delivery (see
	 * {@link #DELIVERY_BOUND}) and many export delays.
	 */
	private static final Duration TRACE_BOUND = DELIVERY_BOUND.plus(SPAN_EXPORT_DELAY.multipliedBy(50));

	/**
	 * A note is created without waiting for Kafka (the sample's {@code NoteService}): a
	 * store write and an answer; a request without an answer this long is stalled.
	 */
	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

	private static final int NOTES = 1_000;

	/**
	 * One note every 40 ms: 25 a second, from one thread.
	 */
	private static final Duration PACE = Duration.ofMillis(40);

	/**
	 * Notes created before the consumer is killed.
	 */
	private static final int BEFORE_KILL = 150;

	/**
	 * Notes that may be created until the restarted consumer heard its first event.
	 */
	private static final int UNTIL_REJOINED = 600;

	/**
	 * Notes that may be created until the broker is back.
	 */
	private static final int UNTIL_BROKER_BACK = 900;

	/**
	 * Longest the whole load may take, however long its phases hold it back.
	 */
	private static final Duration LOAD_LIMIT = Duration.ofSeconds(240);

	private static final Pattern TRACE_ID = Pattern.compile("\\b([0-9a-f]{32})\\b");

	private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

	private final String run = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));

	// Names of this run only: another build on this machine may run sample apps on the
	// loopback mDNS too.
	private final String backendService = "phanes-events-backend-" + this.run;

	private final String consumerService = "phanes-events-consumer-" + this.run;

	private final String callerService = "phanes-events-caller-" + this.run;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<SampleProcess> started = new CopyOnWriteArrayList<>();

	private final Thread shutdownHook = new Thread(() -> this.started.forEach(SampleProcess::destroyForcibly),
			"phanes-e2e-events-stop");

	private RestartableKafkaExtension.Broker broker;

	private Path jar;

	private Path store;

	private SampleProcess producer;

	private SampleProcess consumer;

	private SampleProcess caller;

	@BeforeAll
	void startBrokerAndSamples(RestartableKafkaExtension.Broker broker) throws IOException {
		this.jar = Path.of(System.getProperty("e2e.sample-jar", "target/e2e/phanes-sample-app.jar"));
		assertThat(this.jar).as("the sample app's jar (copied by the build)").isRegularFile();
		this.broker = broker;
		broker.start();
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
		// The caller writes the note that the backend reads back: one SQLite file,
		// written
		// by the caller alone while the backend reads it.
		this.store = Files.createDirectories(Figures.buildDirectory().resolve("e2e").resolve("work"))
			.resolve("events-" + this.run + ".db");
		List<String> sharedStore = List.of("--phanes.store.type=file", "--phanes.store.file.path=" + this.store);
		long start = System.nanoTime();
		this.producer = start("events-producer", this.backendService, "events-backend-" + this.run, sharedStore);
		this.consumer = start("events-consumer-1", this.consumerService, "events-consumer-" + this.run, List.of());
		List<String> callerArguments = new ArrayList<>(sharedStore);
		callerArguments.add("--sample.peer-service=" + this.backendService);
		this.caller = start("events-caller", this.callerService, "events-caller-" + this.run, callerArguments);
		for (SampleProcess process : List.of(this.producer, this.consumer, this.caller)) {
			process.awaitReady(this.http, SampleCluster.READY_TIMEOUT);
			awaitReadiness(process, SampleCluster.READY_TIMEOUT);
		}
		Duration startup = Duration.ofNanos(System.nanoTime() - start);
		// A new group starts at the end of the topic (auto.offset.reset=latest): notes
		// created before the consumer has its partition would never reach it.
		Duration hearing = awaitHearing(this.consumer);
		Figures.record(EVENTS, "processes",
				"a KRaft broker (child JVM), producer + consumer + caller (sample app, kafka profile), "
						+ "each its own consumer group");
		Figures.record(EVENTS, "start of the 3 sample JVMs to all ready (readiness includes the event bus)",
				seconds(startup));
		Figures.record(EVENTS, "then the consumer's first event (its group joined)", seconds(hearing));
	}

	@AfterAll
	void stopSamples() {
		for (SampleProcess process : this.started) {
			if (process.isAlive()) {
				process.destroyGracefully();
			}
		}
		for (SampleProcess process : this.started) {
			if (process.isAlive()) {
				process.terminate(Duration.ofSeconds(30));
			}
		}
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is already shutting down; the hook runs anyway
		}
	}

	@Test
	@Order(1)
	void oneTraceSpansTheCallerTheBackendAndTheEventConsumer() throws Exception {
		awaitCallerFindsBackend();
		HttpResponse<String> created = this.http.send(HttpRequest.newBuilder(this.caller.uri("/peer/notes"))
			.timeout(REQUEST_TIMEOUT)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"Traced across Kafka\",\"body\":\"one trace\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		long answered = System.nanoTime();
		assertThat(created.statusCode()).as("POST /peer/notes on the caller: %s", created.body()).isEqualTo(200);
		Matcher idMatcher = ID.matcher(created.body());
		assertThat(idMatcher.find()).as("note id in %s", created.body()).isTrue();
		String id = idMatcher.group(1);

		// The consumer's log line of the event carries a trace id.
		EventsLog consumerLog = new EventsLog(this.consumer.logFile());
		String line = awaitValue(TRACE_BOUND, () -> consumerLog.lineOf(id));
		assertThat(line).as("the consumer's log line of note %s", id).isNotNull();
		Duration heard = Duration.ofNanos(System.nanoTime() - answered);
		Matcher traceMatcher = TRACE_ID.matcher(line);
		assertThat(traceMatcher.find()).as("a trace id in the consumer's log line: %s", line).isTrue();
		String traceId = traceMatcher.group(1);

		// Each process's trace collector holds its part of that trace; the backend's and
		// the consumer's parts hang from spans of the caller's part.
		// A span is collected when it ends: the caller's Kafka send span ends at the
		// broker's acknowledgement, which may come after the consumer has the event. So
		// the caller's part is read once it holds the parents of the other parts'
		// entries.
		List<Map<?, ?>> backendSpans = awaitSpans(this.producer, traceId, Set.of(), "SERVER");
		List<Map<?, ?>> consumerSpans = awaitSpans(this.consumer, traceId, Set.of(), "CONSUMER", "deliver notes");
		Set<String> entryParents = new HashSet<>();
		for (List<Map<?, ?>> part : List.of(backendSpans, consumerSpans)) {
			part.stream()
				.filter((span) -> "SERVER".equals(span.get("kind")) || "CONSUMER".equals(span.get("kind")))
				.map((span) -> span.get("parentSpanId"))
				.filter(String.class::isInstance)
				.forEach((parent) -> entryParents.add((String) parent));
		}
		List<Map<?, ?>> callerSpans = awaitSpans(this.caller, traceId, entryParents, "http post /peer/notes",
				"PRODUCER", "CLIENT");
		Set<String> callerIds = new HashSet<>();
		callerSpans.forEach((span) -> callerIds.add((String) span.get("spanId")));
		Map<?, ?> callerRoot = only(callerSpans, "http post /peer/notes");
		Figures.record(TRACE, "POST /peer/notes on the caller: caller -> backend (HTTP, by name) and -> consumer "
				+ "(NoteCreated over Kafka)", "trace " + traceId);
		Figures.record(TRACE, "spans of the trace per process (caller / backend / consumer)",
				callerSpans.size() + " / " + backendSpans.size() + " / " + consumerSpans.size());
		Figures.record(TRACE, "caller's spans", names(callerSpans).toString());
		Figures.record(TRACE, "backend's spans", names(backendSpans).toString());
		Figures.record(TRACE, "consumer's spans", names(consumerSpans).toString());
		Figures.record(TRACE, "the caller's answer until the consumer's log line", seconds(heard));
		Figures.record(TRACE, "the consumer's log line", line.substring(Math.max(0, line.indexOf("[" + traceId))));
		assertThat(callerRoot.get("parentSpanId")).as("the caller's server span is the trace's root").isNull();
		// A server or consumer span starts a process's part of the trace; in the backend
		// and the consumer, its parent is a span of the caller (its HTTP call, its send).
		for (List<Map<?, ?>> part : List.of(backendSpans, consumerSpans)) {
			assertThat(part)
				.filteredOn((span) -> "SERVER".equals(span.get("kind")) || "CONSUMER".equals(span.get("kind")))
				.as("entry spans of another process's part of trace %s, against the caller's %s", traceId,
						names(callerSpans))
				.isNotEmpty()
				.allSatisfy((span) -> assertThat(span.get("parentSpanId")).as("parent of %s", span).isIn(callerIds));
		}
		assertThat(logMessages(this.consumer, traceId)).as("the consumer's log events of trace %s", traceId)
			.contains("Heard of note " + id);
	}

	@Test
	@Order(2)
	void everyNoteReachesTheConsumerThroughItsRestartAndABrokerOutage() {
		SampleProcess first = this.consumer;
		EventsLog firstLog = new EventsLog(first.logFile());
		EventsLog producerLog = new EventsLog(this.producer.logFile());
		EventsLoad load = new EventsLoad(this.http, this.producer.uri("/notes"), NOTES, PACE, REQUEST_TIMEOUT,
				LOAD_LIMIT);
		load.release(BEFORE_KILL);
		load.start();
		awaitTrue(LOAD_LIMIT, () -> load.sent() >= BEFORE_KILL);

		// SIGKILL the consumer and start another with the same group (and so the same
		// static group.instance.id).
		load.release(UNTIL_REJOINED);
		long killed = System.nanoTime();
		first.kill(Duration.ofSeconds(10));
		int sentAtKill = load.sent();
		SampleProcess second = start("events-consumer-2", this.consumerService, "events-consumer-" + this.run,
				List.of());
		long secondStarted = System.nanoTime();
		this.consumer = second;
		second.awaitReady(this.http, SampleCluster.READY_TIMEOUT);
		long secondAnswering = System.nanoTime();
		EventsLog secondLog = new EventsLog(second.logFile());
		boolean rejoined = awaitTrue(REJOIN_BOUND, () -> secondLog.read() > 0);
		long firstEvent = secondLog.firstHeard().orElse(System.nanoTime());
		int sentAtRejoin = load.sent();
		Figures.record(EVENTS, "consumer SIGKILLed after " + sentAtKill + " notes; consumer-2 started, same group",
				"JVM start to answering HTTP " + seconds(secondAnswering - secondStarted));
		Figures.record(EVENTS,
				"consumer-2: answering HTTP to its first event (static membership rejoin; bound "
						+ seconds(REJOIN_BOUND) + ")",
				rejoined ? seconds(firstEvent - secondAnswering) : "none within bound");
		Figures.record(EVENTS, "consumer-2: SIGKILL of consumer-1 to consumer-2's first event",
				rejoined ? seconds(firstEvent - killed) : "none");
		Figures.record(EVENTS, "notes created from the kill to consumer-2's first event",
				String.valueOf(sentAtRejoin - sentAtKill));

		// Stop the broker for a while, then start it again on the same ports and data.
		load.release(UNTIL_BROKER_BACK);
		int sentAtStop = load.sent();
		long stopping = System.nanoTime();
		this.broker.stop();
		long stopped = System.nanoTime();
		String readinessDuringOutage = awaitReadinessStatus(this.producer, 503, OUTAGE);
		long remaining = OUTAGE.toNanos() - (System.nanoTime() - stopped);
		if (remaining > 0) {
			SampleProcess.pause(Duration.ofNanos(remaining));
		}
		long starting = System.nanoTime();
		this.broker.start();
		long back = System.nanoTime();
		int sentWhileDown = load.sent() - sentAtStop;
		long heardAtBack = secondLog.read();
		load.release(NOTES);
		boolean delivering = awaitTrue(DELIVERY_BOUND, () -> secondLog.read() > heardAtBack);
		long delivered = System.nanoTime();
		String readinessAfter = awaitReadinessStatus(this.producer, 200, DELIVERY_BOUND);
		Figures.record(EVENTS, "broker stopped (clean shutdown) after " + sentAtStop + " notes",
				"stop took " + seconds(stopped - stopping) + ", down for " + seconds(starting - stopped)
						+ ", start to answering took " + seconds(back - starting));
		Figures.record(EVENTS, "notes created (POST answered) while the broker was stopped or starting",
				String.valueOf(sentWhileDown));
		Figures.record(EVENTS, "producer's readiness while the broker was down / after",
				readinessDuringOutage + " / " + readinessAfter);
		Figures.record(EVENTS,
				"broker answering again to consumer-2's next event (bound " + seconds(DELIVERY_BOUND) + ")",
				delivering ? seconds(delivered - back) : "none within bound");

		EventsLoad.Result result = load.await();
		long lastAnswer = System.nanoTime();
		Set<String> accepted = Set.copyOf(result.accepted());
		List<EventsLog> consumerLogs = List.of(firstLog, secondLog);
		boolean complete = awaitTrue(DELIVERY_BOUND, () -> {
			consumerLogs.forEach(EventsLog::read);
			producerLog.read();
			return loadNotes(consumerLogs).keySet().containsAll(accepted)
					&& loadNotes(List.of(producerLog)).keySet().containsAll(accepted);
		});
		Duration drain = Duration.ofNanos(System.nanoTime() - lastAnswer);
		Map<String, Integer> consumed = loadNotes(consumerLogs);
		Map<String, Integer> heardByProducer = loadNotes(List.of(producerLog));
		Figures.record(EVENTS,
				NOTES + " POST /notes to the producer, one at a time, one per " + PACE.toMillis() + " ms at most",
				result.summary());
		Figures.record(EVENTS, "consumer group (consumer-1 + consumer-2): " + tally(accepted, consumed),
				"consumer-1 heard " + loadNotes(List.of(firstLog)).size() + ", consumer-2 heard "
						+ loadNotes(List.of(secondLog)).size() + " distinct");
		Figures.record(EVENTS, "producer's own listener (its group): " + tally(accepted, heardByProducer),
				"local delivery at publication");
		Figures.record(EVENTS, "last note created to the consumer and producer having heard all (bound "
				+ seconds(DELIVERY_BOUND) + ")", complete ? seconds(drain) : "not within bound");
		assertThat(result.sent()).as("notes sent").isEqualTo(NOTES);
		assertThat(result.failures()).as("failed POST /notes; the producer's log ends:\n%s", this.producer.logTail())
			.isEmpty();
		assertThat(result.stalled()).as("stalled POST /notes").isZero();
		assertThat(rejoined)
			.as("consumer-2 heard an event within %s; its log ends:\n%s", REJOIN_BOUND, second.logTail())
			.isTrue();
		assertThat(consumed.keySet())
			.as("notes the consumer group heard, against the %d accepted; lost: %s", accepted.size(),
					missing(accepted, consumed))
			.isEqualTo(accepted);
		assertThat(heardByProducer.keySet())
			.as("notes the producer's listener heard; lost: %s", missing(accepted, heardByProducer))
			.isEqualTo(accepted);
	}

	private SampleProcess start(String name, String service, String group, List<String> extra) {
		List<String> arguments = new ArrayList<>();
		arguments.add("--spring.profiles.active=kafka");
		arguments.add("--spring.kafka.bootstrap-servers=" + this.broker.bootstrapServers());
		arguments.add("--spring.application.name=" + service);
		// the profile's default group names server.port, which is 0 here; the group is
		// also the static group.instance.id
		arguments.add("--phanes.event.group=" + group);
		arguments.add("--phanes.discovery.mdns.ttl=" + TTL.toSeconds() + "s");
		arguments
			.add("--management.opentelemetry.tracing.export.schedule-delay=" + SPAN_EXPORT_DELAY.toMillis() + "ms");
		arguments.addAll(extra);
		SampleProcess process = SampleProcess.start(name, this.jar, Figures.buildDirectory(), arguments);
		this.started.add(process);
		return process;
	}

	/**
	 * Wait until the process's readiness group, which the kafka profile makes include the
	 * event bus's broker connection, is up.
	 */
	private void awaitReadiness(SampleProcess process, Duration bound) {
		String status = awaitReadinessStatus(process, 200, bound);
		assertThat(status).as("readiness of %s; its log ends:\n%s", process, process.logTail()).startsWith("200");
	}

	/**
	 * Poll {@code /actuator/health/readiness} until it answers a status.
	 * @return the status and when it was first seen, or the last answer if not within the
	 * bound
	 */
	private String awaitReadinessStatus(SampleProcess process, int status, Duration bound) {
		long start = System.nanoTime();
		long deadline = start + bound.toNanos();
		String last = "no answer";
		while (System.nanoTime() - deadline < 0) {
			try {
				HttpResponse<String> response = this.http
					.send(HttpRequest.newBuilder(process.uri("/actuator/health/readiness"))
						.timeout(Duration.ofSeconds(10))
						.build(), HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == status) {
					return status + " after " + seconds(System.nanoTime() - start);
				}
				last = response.statusCode() + " " + response.body();
			}
			catch (IOException ex) {
				last = ex.toString();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted", ex);
			}
			SampleProcess.pause(Duration.ofMillis(250));
		}
		return "not " + status + " within " + seconds(bound) + " (" + last + ")";
	}

	/**
	 * Create probe notes on the producer, one every half second, until the process hears
	 * one.
	 * @return how long it took
	 */
	private Duration awaitHearing(SampleProcess process) {
		long start = System.nanoTime();
		EventsLog log = new EventsLog(process.logFile());
		boolean heard = awaitTrue(DELIVERY_BOUND, () -> {
			createProbe();
			log.read();
			return log.heard().keySet().stream().anyMatch((id) -> id.startsWith("probe-"));
		});
		assertThat(heard)
			.as("%s heard a probe note within %s; its log ends:\n%s", process, DELIVERY_BOUND, process.logTail())
			.isTrue();
		return Duration.ofNanos(System.nanoTime() - start);
	}

	private void createProbe() {
		try {
			this.http.send(HttpRequest.newBuilder(this.producer.uri("/notes"))
				.timeout(REQUEST_TIMEOUT)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"probe\"}"))
				.build(), HttpResponse.BodyHandlers.discarding());
		}
		catch (IOException ex) {
			// the next probe tries again
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
		SampleProcess.pause(Duration.ofMillis(500));
	}

	/**
	 * Wait until the caller's load balancer calls the backend, which it finds by name
	 * through mDNS.
	 */
	private void awaitCallerFindsBackend() {
		String backendId = this.producer.instanceId();
		boolean found = awaitTrue(DISCOVERY_BOUND, () -> {
			try {
				HttpResponse<String> response = this.http.send(
						HttpRequest.newBuilder(this.caller.uri("/peer/instance")).timeout(REQUEST_TIMEOUT).build(),
						HttpResponse.BodyHandlers.ofString());
				return response.statusCode() == 200 && response.body().contains(backendId);
			}
			catch (IOException ex) {
				return false;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted", ex);
			}
		});
		assertThat(found)
			.as("the caller reaches the backend by name within %s; its log ends:\n%s", DISCOVERY_BOUND,
					this.caller.logTail())
			.isTrue();
	}

	/**
	 * Wait until a process's trace collector holds spans of a trace with every name or
	 * kind asked for.
	 * @return the spans, as the {@code /actuator/traces/{traceId}} tree lists them
	 */
	private List<Map<?, ?>> awaitSpans(SampleProcess process, String traceId, Set<String> spanIds,
			String... namesOrKinds) {
		List<Map<?, ?>> found = awaitValue(TRACE_BOUND, () -> {
			List<Map<?, ?>> spans = spans(process, traceId);
			Set<Object> ids = new HashSet<>();
			spans.forEach((span) -> ids.add(span.get("spanId")));
			if (!ids.containsAll(spanIds)) {
				return Optional.empty();
			}
			for (String wanted : namesOrKinds) {
				if (spans.stream()
					.noneMatch((span) -> wanted.equals(span.get("name")) || wanted.equals(span.get("kind")))) {
					return Optional.empty();
				}
			}
			return Optional.of(spans);
		});
		assertThat(found)
			.as("spans %s and ids %s of trace %s in %s's collector (it has %s)", List.of(namesOrKinds), spanIds,
					traceId, process.name(), names(spans(process, traceId)))
			.isNotNull();
		return found;
	}

	private List<Map<?, ?>> spans(SampleProcess process, String traceId) {
		List<Map<?, ?>> spans = new ArrayList<>();
		try {
			HttpResponse<String> response = this.http
				.send(HttpRequest.newBuilder(process.uri("/actuator/traces/" + traceId))
					.timeout(Duration.ofSeconds(10))
					.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() == 200) {
				Map<?, ?> tree = this.json.readValue(response.body(), Map.class);
				((List<?>) tree.get("roots")).forEach((root) -> collect((Map<?, ?>) root, spans));
			}
		}
		catch (IOException ex) {
			// not there yet
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
		return spans;
	}

	private static void collect(Map<?, ?> node, List<Map<?, ?>> spans) {
		spans.add(node);
		((List<?>) node.get("children")).forEach((child) -> collect((Map<?, ?>) child, spans));
	}

	private static Map<?, ?> only(List<Map<?, ?>> spans, String nameOrKind) {
		List<Map<?, ?>> matching = spans.stream()
			.filter((span) -> nameOrKind.equals(span.get("name")) || nameOrKind.equals(span.get("kind")))
			.toList();
		assertThat(matching).as("spans named or of kind %s among %s", nameOrKind, names(spans)).hasSize(1);
		return matching.get(0);
	}

	private static List<String> names(List<Map<?, ?>> spans) {
		return spans.stream().map((span) -> span.get("name") + " (" + span.get("kind") + ")").toList();
	}

	/**
	 * The messages of one trace's log events, from the process's log collector.
	 */
	private List<String> logMessages(SampleProcess process, String traceId) throws Exception {
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(process.uri("/actuator/logs?traceId=" + traceId))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET /actuator/logs on %s", process).isEqualTo(200);
		Map<?, ?> logs = this.json.readValue(response.body(), Map.class);
		return ((List<?>) logs.get("events")).stream()
			.map((event) -> String.valueOf(((Map<?, ?>) event).get("message")))
			.toList();
	}

	/**
	 * How often each note of the load was heard, over some logs.
	 */
	private static Map<String, Integer> loadNotes(List<EventsLog> logs) {
		Map<String, Integer> heard = new HashMap<>();
		for (EventsLog log : logs) {
			log.heard().forEach((id, count) -> {
				if (id.startsWith(EventsLoad.ID_PREFIX)) {
					heard.merge(id, count, Integer::sum);
				}
			});
		}
		return heard;
	}

	private static String tally(Set<String> accepted, Map<String, Integer> heard) {
		long duplicates = heard.values().stream().mapToLong((count) -> count - 1).sum();
		Set<String> unknown = new HashSet<>(heard.keySet());
		unknown.removeAll(accepted);
		return String.format("accepted %d, heard distinct %d, duplicates %d, lost %d, unknown %d", accepted.size(),
				heard.size(), duplicates, missing(accepted, heard).size(), unknown.size());
	}

	private static Set<String> missing(Set<String> accepted, Map<String, Integer> heard) {
		Set<String> missing = new HashSet<>(accepted);
		missing.removeAll(heard.keySet());
		return missing;
	}

	/**
	 * Poll a condition every 100 ms until it holds or the bound has passed.
	 * @return whether it held
	 */
	private static boolean awaitTrue(Duration bound, BooleanSupplier condition) {
		long deadline = System.nanoTime() + bound.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				return false;
			}
			SampleProcess.pause(Duration.ofMillis(100));
		}
		return true;
	}

	/**
	 * Poll for a value every 200 ms until there is one or the bound has passed.
	 * @return the value, or {@code null}
	 */
	private static <T> @Nullable T awaitValue(Duration bound, Supplier<Optional<T>> value) {
		long deadline = System.nanoTime() + bound.toNanos();
		Optional<T> found = value.get();
		while (found.isEmpty() && System.nanoTime() - deadline < 0) {
			SampleProcess.pause(Duration.ofMillis(200));
			found = value.get();
		}
		return found.orElse(null);
	}

	private static String seconds(Duration duration) {
		return seconds(duration.toNanos());
	}

	private static String seconds(long nanos) {
		return String.format("%.2f s", nanos / 1e9);
	}

}
