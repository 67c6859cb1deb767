package dev.phanes.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process that talks in lines: each line it prints is kept with the time it
 * arrived, and commands are sent to it as lines on its standard input. Its standard error
 * goes to a log file. Every wait is bounded.
 */
public final class LineProcess implements AutoCloseable {

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(5);

	private final String name;

	private final Process process;

	private final Path errorLog;

	private final List<Line> lines = new ArrayList<>();

	private LineProcess(String name, Process process, Path errorLog) {
		this.name = name;
		this.process = process;
		this.errorLog = errorLog;
		Thread reader = new Thread(this::read, "phanes-line-reader-" + name);
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Start a process.
	 * @param name a name for messages and the log file
	 * @param command the program and its arguments
	 * @param environment variables to add to this JVM's environment
	 * @return the running process
	 * @throws UncheckedIOException if it cannot be started
	 */
	public static LineProcess start(String name, List<String> command, Map<String, String> environment) {
		try {
			Path logs = Files.createDirectories(buildDirectory().resolve("process-logs"));
			Path errorLog = logs.resolve(name + ".log");
			ProcessBuilder builder = new ProcessBuilder(command).redirectError(errorLog.toFile());
			builder.environment().putAll(environment);
			return new LineProcess(name, builder.start(), errorLog);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + name + ": " + command, ex);
		}
	}

	/**
	 * Return the build directory ({@code target}) of the module under test.
	 * @return the directory holding the test classes
	 */
	public static Path buildDirectory() {
		try {
			Path testClasses = Path.of(LineProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			return testClasses.getParent();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void read() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String text = reader.readLine();
			while (text != null) {
				synchronized (this.lines) {
					this.lines.add(new Line(System.nanoTime(), text));
					this.lines.notifyAll();
				}
				text = reader.readLine();
			}
		}
		catch (IOException ex) {
			// the process is gone
		}
	}

	/**
	 * Return the name given at start.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return the lines printed so far.
	 * @return a copy of the lines
	 */
	public List<Line> lines() {
		synchronized (this.lines) {
			return List.copyOf(this.lines);
		}
	}

	/**
	 * Return how many lines have been printed so far; a position for
	 * {@link #awaitLine(int, Predicate, Duration)}.
	 * @return the count
	 */
	public int lineCount() {
		synchronized (this.lines) {
			return this.lines.size();
		}
	}

	/**
	 * Wait for a line that matches.
	 * @param from the position to look from (earlier lines are ignored)
	 * @param match what the line must look like
	 * @param timeout how long to wait
	 * @return the first line that matches, from the position on
	 * @throws AssertionError with what the process printed, if none came in time
	 */
	public Line awaitLine(int from, Predicate<String> match, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.lines) {
			int next = from;
			while (true) {
				for (; next < this.lines.size(); next++) {
					Line line = this.lines.get(next);
					if (match.test(line.text())) {
						return line;
					}
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new AssertionError("No such line from " + this.name + " within " + timeout.toMillis()
							+ " ms; it printed:\n" + transcript());
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.lines, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new AssertionError("Interrupted waiting for " + this.name, ex);
				}
			}
		}
	}

	/**
	 * Send a line to the process's standard input.
	 * @param command the line
	 */
	public void send(String command) {
		try {
			OutputStream input = this.process.getOutputStream();
			input.write((command + "\n").getBytes(StandardCharsets.UTF_8));
			input.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot send '" + command + "' to " + this.name, ex);
		}
	}

	/**
	 * Return the process id, for signals.
	 * @return the pid
	 */
	public long pid() {
		return this.process.pid();
	}

	/**
	 * Return whether the process still runs.
	 * @return whether it is alive
	 */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Kill the process at once (SIGKILL) and wait, at most a few seconds, until it is
	 * gone.
	 */
	public void kill() {
		this.process.destroyForcibly();
		waitForExit();
	}

	/**
	 * Return what the process printed, and where its standard error went.
	 * @return the lines, one per line
	 */
	public String transcript() {
		StringBuilder transcript = new StringBuilder();
		long start = -1;
		for (Line line : lines()) {
			if (start < 0) {
				start = line.nanos();
			}
			transcript.append(String.format("  +%6d ms  %s%n", (line.nanos() - start) / 1_000_000, line.text()));
		}
		return transcript.append("  (standard error: ").append(this.errorLog).append(')').toString();
	}

	/**
	 * Ask the process to exit (the line {@code exit}, then end of input), and kill it if
	 * it has not exited after a few seconds.
	 */
	@Override
	public void close() {
		if (this.process.isAlive()) {
			try {
				send("exit");
				this.process.getOutputStream().close();
			}
			catch (IOException | UncheckedIOException ex) {
				// already exiting
			}
			waitForExit();
		}
		if (this.process.isAlive()) {
			kill();
		}
	}

	private void waitForExit() {
		try {
			this.process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String toString() {
		return this.name + " (pid " + this.process.pid() + ")";
	}

	/**
	 * A line a process printed.
	 *
	 * @param nanos when it arrived, from {@link System#nanoTime()}
	 * @param text the line
	 */
	public record Line(long nanos, String text) {

	}

}
