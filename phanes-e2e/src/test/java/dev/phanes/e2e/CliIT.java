package dev.phanes.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code phanes} command ({@code java -jar phanes.jar}) against two sample-app
 * instances of one service on loopback: it lists the service with both instances,
 * describes them from their Actuator (health, catalog), calls the service through the
 * load balancer (one key, one instance), fails clearly for a service nobody runs, and
 * reads and follows the instances' logs. Every command runs as a child process with mDNS
 * on 127.0.0.1; the independent ones run at once, started as soon as the instances are
 * ready, so that their JVMs start together.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {

	private static final String CLI = "6. The phanes command (phanes-cli)";

	/**
	 * How long each command listens to mDNS ({@code --wait}): the instances announced
	 * themselves before it starts and answer its first queries at once; the rest is
	 * margin for two busy cores.
	 */
	private static final Duration LISTEN = Duration.ofSeconds(5);

	/**
	 * Longest wait of a command for one HTTP answer ({@code --timeout}).
	 */
	private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Bound on one command: its JVM and Spring context start (bounded like a sample
	 * app's), the listening time and a few HTTP requests.
	 */
	private static final Duration RUN_TIMEOUT = SampleCluster.READY_TIMEOUT.plus(LISTEN)
		.plus(HTTP_TIMEOUT.multipliedBy(4));

	/**
	 * The command's JVM: C1 only and a small heap, since it runs for seconds.
	 */
	private static final List<String> CLI_JVM_OPTIONS = List.of("-Xmx128m", "-XX:+UseSerialGC",
			"-XX:TieredStopAtLevel=1", "-Dphanes.discovery.mdns.address=127.0.0.1");

	private static final Pattern HEARD = Pattern.compile("Heard of note ([a-z0-9-]+)");

	private static final JsonMapper json = JsonMapper.shared();

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final String run = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));

	private final String service = "phanes-sample-cli-e2e-" + this.run;

	private final AtomicInteger runs = new AtomicInteger();

	private final List<Process> started = new ArrayList<>();

	private Path jar;

	private SampleCluster cluster;

	private String loggedNote;

	private CliRun services;

	private CliRun describe;

	private CliRun firstCall;

	private CliRun secondCall;

	private CliRun unknown;

	private CliRun logs;

	private CliRun follow;

	@BeforeAll
	void startInstancesAndCommands() throws IOException, InterruptedException {
		this.jar = Path.of(System.getProperty("e2e.cli-jar", "target/e2e/phanes.jar"));
		assertThat(this.jar).as("the phanes command's jar (copied by the build)").isRegularFile();
		Path sample = Path.of(System.getProperty("e2e.sample-jar", "target/e2e/phanes-sample-app.jar"));
		assertThat(sample).as("the sample app's jar (copied by the build)").isRegularFile();
		long start = System.nanoTime();
		this.cluster = new SampleCluster(sample, Figures.buildDirectory(), this.service,
				"phanes-cli-caller-e2e-" + this.run, List.of(), this.http);
		this.cluster.start(2, null);
		Figures.record(CLI, "2 instances ready", Figures.seconds(Duration.ofNanos(System.nanoTime() - start)));
		this.loggedNote = createNote(this.cluster.backends().get(0), "logged");
		start = System.nanoTime();
		this.services = CliRun.start(this, "services", "--json");
		this.describe = CliRun.start(this, "describe", this.service, "--json");
		this.firstCall = CliRun.start(this, "call", this.service, "GET", "/instance", "--key", "alice", "--json");
		this.secondCall = CliRun.start(this, "call", this.service, "GET", "/instance", "--key", "alice", "--json");
		this.unknown = CliRun.start(this, "call", "phanes-nobody-e2e-" + this.run, "GET", "/instance");
		this.logs = CliRun.start(this, "logs", this.service, "--json", "--limit", "1000");
		this.follow = CliRun.start(this, "logs", this.service, "--follow", "--json", "--limit", "1");
		for (CliRun each : List.of(this.services, this.describe, this.firstCall, this.secondCall, this.unknown,
				this.logs)) {
			each.await();
		}
		Figures.record(CLI, "6 commands run at once, all done",
				Figures.seconds(Duration.ofNanos(System.nanoTime() - start)));
	}

	@AfterAll
	void stopEverything() {
		this.started.forEach(Process::destroyForcibly);
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	void servicesListsTheServiceWithBothInstances() {
		assertThat(this.services.exitCode()).as(this.services.describe()).isZero();
		JsonNode listed = json.readTree(this.services.out());
		assertThat(listed.path("discovery").stringValue()).isEqualTo("mDNS on 127.0.0.1");
		JsonNode ours = null;
		for (JsonNode service : listed.path("services")) {
			if (service.path("name").stringValue().equals(this.service)) {
				ours = service;
			}
		}
		assertThat(ours).as("%s in %s", this.service, this.services.out()).isNotNull();
		assertThat(ours.path("instances").intValue()).isEqualTo(2);
	}

	@Test
	void describeShowsBothInstancesUpAndTheCatalog() {
		assertThat(this.describe.exitCode()).as(this.describe.describe()).isZero();
		JsonNode described = json.readTree(this.describe.out());
		Set<String> ids = new HashSet<>();
		for (JsonNode instance : described.path("instances")) {
			ids.add(instance.path("instanceId").stringValue());
			assertThat(instance.path("health").stringValue()).as("health of %s", instance).isEqualTo("UP");
		}
		assertThat(ids).isEqualTo(instanceIds());
		boolean instanceRoute = false;
		for (JsonNode route : described.path("catalog").path("http")) {
			instanceRoute |= route.path("path").stringValue().equals("/instance")
					&& route.path("methods").toString().contains("\"GET\"");
		}
		assertThat(instanceRoute).as("GET /instance in the catalog: %s", described.path("catalog")).isTrue();
		Figures.record(CLI, "describe: catalog entries (HTTP, gRPC)",
				described.path("catalog").path("http").size() + ", " + described.path("catalog").path("grpc").size());
	}

	@Test
	void callsWithOneKeyReachOneInstanceThatExists() {
		assertThat(this.firstCall.exitCode()).as(this.firstCall.describe()).isZero();
		assertThat(this.secondCall.exitCode()).as(this.secondCall.describe()).isZero();
		JsonNode first = json.readTree(this.firstCall.out());
		JsonNode second = json.readTree(this.secondCall.out());
		String chosen = first.path("instance").path("instanceId").stringValue();
		assertThat(instanceIds()).contains(chosen);
		assertThat(second.path("instance").path("instanceId").stringValue()).isEqualTo(chosen);
		assertThat(first.path("status").intValue()).isEqualTo(200);
		assertThat(first.path("body").path("instanceId").stringValue()).as("the instance that answered")
			.isEqualTo(chosen);
		assertThat(first.path("traceId").stringValue()).matches("[0-9a-f]{32}");
		Figures.record(CLI, "call --key alice, twice", "both on " + chosen);
	}

	@Test
	void aCallToAServiceNobodyRunsFailsClearly() {
		assertThat(this.unknown.exitCode()).as(this.unknown.describe()).isNotZero();
		assertThat(this.unknown.out()).isEmpty();
		assertThat(this.unknown.err()).contains("Unknown service 'phanes-nobody-e2e-" + this.run + "'")
			.contains("Known services:")
			.contains(this.service);
		Figures.record(CLI, "call to an unknown service: exit code", String.valueOf(this.unknown.exitCode()));
	}

	@Test
	void logsHoldWhatTheInstancesLogged() {
		assertThat(this.logs.exitCode()).as(this.logs.describe()).isZero();
		JsonNode read = json.readTree(this.logs.out());
		Set<String> notes = new HashSet<>();
		Set<String> from = new HashSet<>();
		for (JsonNode event : read.path("events")) {
			from.add(event.path("instance").stringValue());
			Matcher heard = HEARD.matcher(event.path("message").stringValue());
			if (heard.find()) {
				notes.add(heard.group(1));
			}
		}
		assertThat(notes).as("notes heard of in %s", this.logs.out()).contains(this.loggedNote);
		assertThat(from).isEqualTo(instanceIds());
		Figures.record(CLI, "logs: events read", String.valueOf(read.path("events").size()));
	}

	@Test
	void logsFollowShowsALineLoggedAfterItStarted() throws IOException, InterruptedException {
		long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
		this.follow.awaitOnStderr("Following the logs of 2 instance(s)", deadline);
		long start = System.nanoTime();
		String note = createNote(this.cluster.backends().get(1), "followed");
		String line = this.follow.awaitOnStdout("Heard of note " + note, deadline);
		Figures.record(CLI, "logs --follow: a new line shown after",
				Figures.seconds(Duration.ofNanos(System.nanoTime() - start)));
		JsonNode event = json.readTree(line);
		assertThat(event.path("instance").stringValue()).isEqualTo(this.cluster.backends().get(1).instanceId());
		assertThat(this.follow.isAlive()).as("still following").isTrue();
	}

	private Set<String> instanceIds() {
		Set<String> ids = new HashSet<>();
		this.cluster.backends().forEach((backend) -> ids.add(backend.instanceId()));
		return ids;
	}

	private String createNote(SampleProcess instance, String title) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(instance.uri("/notes"))
			.timeout(HTTP_TIMEOUT)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"" + title + "\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("POST /notes on %s: %s", instance, response.body()).isEqualTo(201);
		return json.readTree(response.body()).path("id").stringValue();
	}

	/**
	 * One {@code phanes} command as a child process, its output in files under
	 * {@code target/e2e/logs}.
	 */
	private static final class CliRun {

		private final String[] args;

		private final Process process;

		private final Path out;

		private final Path err;

		private CliRun(String[] args, Process process, Path out, Path err) {
			this.args = args;
			this.process = process;
			this.out = out;
			this.err = err;
		}

		static CliRun start(CliIT test, String... args) {
			int number = test.runs.incrementAndGet();
			try {
				Path logs = Files.createDirectories(Figures.buildDirectory().resolve("e2e").resolve("logs"));
				Path out = logs.resolve("cli-" + number + "-" + args[0] + ".out");
				Path err = logs.resolve("cli-" + number + "-" + args[0] + ".err");
				List<String> command = new ArrayList<>();
				command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
				command.addAll(CLI_JVM_OPTIONS);
				command.add("-jar");
				command.add(test.jar.toString());
				command.addAll(List.of(args));
				// Multicast safety: the command's mDNS is on loopback, whatever its
				// default.
				command.add("--mdns-address=127.0.0.1");
				command.add("--wait=" + LISTEN.toMillis() + "ms");
				command.add("--timeout=" + HTTP_TIMEOUT.toMillis() + "ms");
				Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
					.redirectError(err.toFile())
					.start();
				process.getOutputStream().close();
				test.started.add(process);
				return new CliRun(args, process, out, err);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot start phanes " + String.join(" ", args), ex);
			}
		}

		void await() throws InterruptedException {
			if (!this.process.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				this.process.destroyForcibly();
				throw new AssertionError("phanes " + String.join(" ", this.args) + " did not end within "
						+ RUN_TIMEOUT.toSeconds() + " s; " + describe());
			}
		}

		int exitCode() {
			return this.process.exitValue();
		}

		boolean isAlive() {
			return this.process.isAlive();
		}

		String out() {
			return read(this.out);
		}

		String err() {
			return read(this.err);
		}

		/**
		 * Wait until standard error has a line containing a text.
		 */
		String awaitOnStderr(String text, long deadline) {
			return awaitLine(this.err, text, deadline);
		}

		/**
		 * Wait until standard output has a line containing a text.
		 */
		String awaitOnStdout(String text, long deadline) {
			return awaitLine(this.out, text, deadline);
		}

		private String awaitLine(Path file, String text, long deadline) {
			while (true) {
				for (String line : read(file).split("\n")) {
					if (line.contains(text)) {
						return line;
					}
				}
				if (!this.process.isAlive() || System.nanoTime() > deadline) {
					throw new AssertionError("No line with '" + text + "' from phanes " + String.join(" ", this.args)
							+ "; " + describe());
				}
				// the command has not written it yet
				SampleProcess.pause(Duration.ofMillis(50));
			}
		}

		String describe() {
			return "phanes " + String.join(" ", this.args)
					+ (this.process.isAlive() ? " (running)" : " (exit " + this.process.exitValue() + ")")
					+ "\nstdout:\n" + out() + "\nstderr:\n" + err();
		}

		private static String read(Path file) {
			try {
				return Files.readString(file, StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				return "";
			}
		}

	}

}
