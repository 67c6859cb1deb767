package dev.phanes.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * One sample-app JVM, started with {@code java -jar} on loopback: its HTTP server and its
 * mDNS discovery are bound to 127.0.0.1, it listens on a port the kernel chose (read from
 * its log), and its output goes to a log file. Stopping it is either a SIGTERM (graceful,
 * with an mDNS goodbye) or a SIGKILL (nothing said to anyone). Not thread-safe: one test
 * thread drives it.
 */
final class SampleProcess {

	/**
	 * Heap of every child JVM, the same for callers and backends so that throughput
	 * figures compare like with like.
	 */
	static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC",
			"-Dphanes.discovery.mdns.address=127.0.0.1");

	private static final Pattern PORT = Pattern.compile("started on port (\\d+)");

	/**
	 * An instance id in the sample's JSON ({@code /instance}, {@code /peer/instance},
	 * {@code /discovery}).
	 */
	static final Pattern INSTANCE_ID = Pattern.compile("\"instanceId\"\\s*:\\s*\"([^\"]+)\"");

	private static final Duration POLL = Duration.ofMillis(100);

	private final String name;

	private final Process process;

	private final Path log;

	private int port;

	private @Nullable String instanceId;

	private SampleProcess(String name, Process process, Path log) {
		this.name = name;
		this.process = process;
		this.log = log;
	}

	/**
	 * Start a sample app; it is not ready until {@link #awaitReady} says so.
	 * @param name a name for messages and the log file
	 * @param jar the sample app's executable jar
	 * @param directory the build directory, for its working directory and log
	 * @param arguments application arguments besides the loopback ones
	 * @return the starting process
	 */
	static SampleProcess start(String name, Path jar, Path directory, List<String> arguments) {
		try {
			Path work = Files.createDirectories(directory.resolve("e2e").resolve("work"));
			Path logs = Files.createDirectories(directory.resolve("e2e").resolve("logs"));
			Path log = logs.resolve(name + ".log");
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.addAll(JVM_OPTIONS);
			command.add("-jar");
			command.add(jar.toString());
			// Multicast safety: mDNS never picks an interface of its own, and only
			// loopback serves HTTP.
			command.add("--phanes.discovery.mdns.address=127.0.0.1");
			command.add("--server.address=127.0.0.1");
			command.add("--server.port=0");
			command.add("--spring.main.banner-mode=off");
			command.addAll(arguments);
			Process process = new ProcessBuilder(command).directory(work.toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			process.getOutputStream().close();
			return new SampleProcess(name, process, log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + name, ex);
		}
	}

	/**
	 * Wait until the app listens and answers {@code GET /instance}, which tells its
	 * instance id.
	 * @param http the client to ask with
	 * @param timeout how long to wait
	 * @throws AssertionError with the end of its log, if it is not ready in time
	 */
	void awaitReady(HttpClient http, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.port == 0) {
			checkRunning(deadline, timeout);
			Matcher matcher = PORT.matcher(readLog());
			if (matcher.find()) {
				this.port = Integer.parseInt(matcher.group(1));
			}
			else {
				pause();
			}
		}
		while (this.instanceId == null) {
			checkRunning(deadline, timeout);
			try {
				HttpResponse<String> response = http.send(
						HttpRequest.newBuilder(uri("/instance")).timeout(Duration.ofSeconds(5)).build(),
						HttpResponse.BodyHandlers.ofString());
				Matcher matcher = INSTANCE_ID.matcher(response.body());
				if (response.statusCode() == 200 && matcher.find()) {
					this.instanceId = matcher.group(1);
				}
			}
			catch (IOException ex) {
				// not answering yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted waiting for " + this.name, ex);
			}
			if (this.instanceId == null) {
				pause();
			}
		}
	}

	private void checkRunning(long deadline, Duration timeout) {
		if (!this.process.isAlive()) {
			throw new AssertionError(
					this.name + " exited with " + this.process.exitValue() + "; its log ends:\n" + logTail());
		}
		if (System.nanoTime() > deadline) {
			throw new AssertionError(
					this.name + " was not ready within " + timeout.toSeconds() + " s; its log ends:\n" + logTail());
		}
	}

	/**
	 * Return the last lines of the log, for failure messages.
	 * @return up to 40 lines
	 */
	String logTail() {
		String[] lines = readLog().split("\n");
		return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
	}

	private String readLog() {
		try {
			return Files.readString(this.log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static void pause() {
		pause(POLL);
	}

	/**
	 * Sleep, turning an interruption into a test failure.
	 * @param duration how long
	 */
	static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
	}

	/**
	 * Return the name given at start.
	 * @return the name
	 */
	String name() {
		return this.name;
	}

	/**
	 * Return the instance id it registered with discovery; known once ready.
	 * @return the instance id
	 */
	String instanceId() {
		String id = this.instanceId;
		if (id == null) {
			throw new IllegalStateException(this.name + " is not ready");
		}
		return id;
	}

	/**
	 * Return an address on this instance.
	 * @param path the path, with its query if any
	 * @return the URI on 127.0.0.1
	 */
	URI uri(String path) {
		if (this.port == 0) {
			throw new IllegalStateException(this.name + " does not listen yet");
		}
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	/**
	 * Return the file its output goes to, for a test that reads what it logged.
	 * @return the log file
	 */
	Path logFile() {
		return this.log;
	}

	/**
	 * Return whether the process still runs.
	 * @return whether it is alive
	 */
	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Kill the process at once (SIGKILL): no goodbye, open connections reset.
	 * @param wait how long to wait for it to be gone
	 */
	void kill(Duration wait) {
		this.process.destroyForcibly();
		waitFor(wait);
	}

	/**
	 * Ask the process to exit (SIGTERM), which shuts the app down gracefully; kill it if
	 * it has not exited within the grace period.
	 * @param grace how long it may take
	 * @return whether it exited by itself within the grace period
	 */
	boolean terminate(Duration grace) {
		this.process.destroy();
		if (waitFor(grace)) {
			return true;
		}
		kill(Duration.ofSeconds(5));
		return false;
	}

	/**
	 * Send SIGTERM without waiting, so that several processes shut down at once.
	 */
	void destroyGracefully() {
		this.process.destroy();
	}

	/**
	 * Kill the process without waiting, for a shutdown hook.
	 */
	void destroyForcibly() {
		this.process.destroyForcibly();
	}

	private boolean waitFor(Duration wait) {
		try {
			return this.process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Override
	public String toString() {
		return this.name + " (pid " + this.process.pid() + ((this.port != 0) ? ", port " + this.port : "") + ")";
	}

}
