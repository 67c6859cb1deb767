package dev.phanes.e2e;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sample-app processes on loopback: backends of one service and a caller that calls that
 * service by name. It knows which instances run and which were stopped, so it can tell
 * when every running instance's discovery sees exactly the running ones. Every process it
 * started is stopped by {@link #close()}, or by a shutdown hook if the test JVM exits
 * first. Used from one test thread.
 */
final class SampleCluster implements AutoCloseable {

	/**
	 * Longest wait for a JVM to listen and answer: several starting at once share two
	 * cores.
	 */
	static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration STOP_GRACE = Duration.ofSeconds(30);

	/**
	 * The instance ids in a {@code /discovery} answer, which lists each instance as an
	 * object with an {@code instanceId} (the only field of that name in it).
	 */
	private final Path jar;

	private final Path directory;

	private final String backendService;

	private final String callerService;

	private final List<String> arguments;

	private final HttpClient http;

	private final List<SampleProcess> backends = new CopyOnWriteArrayList<>();

	private final List<SampleProcess> started = new CopyOnWriteArrayList<>();

	private final Set<String> stopped = new HashSet<>();

	private @Nullable SampleProcess caller;

	private final Thread shutdownHook;

	/**
	 * Create a cluster; nothing runs until a start method is called.
	 * @param jar the sample app's executable jar
	 * @param directory the build directory, for working directories and logs
	 * @param backendService the service id of the backends
	 * @param callerService the service id of the caller
	 * @param arguments application arguments every process gets
	 * @param http the client for readiness and discovery checks
	 */
	SampleCluster(Path jar, Path directory, String backendService, String callerService, List<String> arguments,
			HttpClient http) {
		this.jar = jar;
		this.directory = directory;
		this.backendService = backendService;
		this.callerService = callerService;
		this.arguments = List.copyOf(arguments);
		this.http = http;
		this.shutdownHook = new Thread(() -> this.started.forEach(SampleProcess::destroyForcibly),
				"phanes-e2e-cluster-stop");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * Start backends and, if asked, the caller, all at once, and wait until each answers.
	 * @param backendCount how many backends
	 * @param callerArguments the caller's own arguments, or {@code null} for no caller
	 */
	void start(int backendCount, @Nullable List<String> callerArguments) {
		List<SampleProcess> starting = new ArrayList<>();
		for (int i = 0; i < backendCount; i++) {
			SampleProcess backend = spawn("backend-" + (this.started.size() + 1), this.backendService, List.of());
			this.backends.add(backend);
			starting.add(backend);
		}
		if (callerArguments != null) {
			List<String> peer = new ArrayList<>(callerArguments);
			peer.add("--sample.peer-service=" + this.backendService);
			this.caller = spawn("caller", this.callerService, peer);
			starting.add(this.caller);
		}
		starting.forEach((process) -> process.awaitReady(this.http, READY_TIMEOUT));
	}

	private SampleProcess spawn(String name, String service, List<String> extra) {
		List<String> all = new ArrayList<>(this.arguments);
		all.add("--spring.application.name=" + service);
		all.addAll(extra);
		SampleProcess process = SampleProcess.start(name, this.jar, this.directory, all);
		this.started.add(process);
		return process;
	}

	/**
	 * Return the running backends.
	 * @return the backends, oldest first
	 */
	List<SampleProcess> backends() {
		return List.copyOf(this.backends);
	}

	/**
	 * Return the caller.
	 * @return the caller
	 */
	SampleProcess caller() {
		SampleProcess current = this.caller;
		if (current == null) {
			throw new IllegalStateException("No caller was started");
		}
		return current;
	}

	/**
	 * Return the running processes, backends first.
	 * @return the processes
	 */
	List<SampleProcess> running() {
		List<SampleProcess> running = new ArrayList<>(this.backends);
		if (this.caller != null) {
			running.add(this.caller);
		}
		return running;
	}

	/**
	 * Record that a backend was stopped (killed or terminated): from now on, converged
	 * discovery must not list it.
	 * @param backend the backend
	 */
	void stopped(SampleProcess backend) {
		this.backends.remove(backend);
		this.stopped.add(backend.instanceId());
	}

	/**
	 * Wait until every running instance's discovery lists every running instance and none
	 * of the stopped ones.
	 * @param atMost how long to wait
	 * @return how long it took
	 */
	Duration awaitConverged(Duration atMost) {
		long start = System.nanoTime();
		List<SampleProcess> running = running();
		Set<String> expected = new HashSet<>();
		running.forEach((process) -> expected.add(process.instanceId()));
		await().atMost(atMost).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			for (SampleProcess process : running) {
				Set<String> seen = discovered(process);
				assertThat(seen).as("instances %s discovers", process).containsAll(expected);
				assertThat(seen).as("stopped instances %s still lists", process)
					.filteredOn(this.stopped::contains)
					.isEmpty();
			}
		});
		return Duration.ofNanos(System.nanoTime() - start);
	}

	/**
	 * Ask an instance which instances (of any service) its discovery sees.
	 * @param process the instance to ask
	 * @return the instance ids it lists
	 * @throws IOException if it does not answer
	 * @throws InterruptedException if interrupted
	 */
	Set<String> discovered(SampleProcess process) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(process.uri("/discovery")).timeout(Duration.ofSeconds(5)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET /discovery on %s", process).isEqualTo(200);
		Set<String> ids = new HashSet<>();
		Matcher matcher = SampleProcess.INSTANCE_ID.matcher(response.body());
		while (matcher.find()) {
			ids.add(matcher.group(1));
		}
		return ids;
	}

	/**
	 * Stop every process it started: SIGTERM, then SIGKILL after a grace period.
	 */
	@Override
	public void close() {
		for (SampleProcess process : this.started) {
			if (process.isAlive()) {
				process.destroyGracefully();
			}
		}
		for (SampleProcess process : this.started) {
			if (process.isAlive()) {
				process.terminate(STOP_GRACE);
			}
		}
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is already shutting down; the hook runs anyway
		}
	}

}
