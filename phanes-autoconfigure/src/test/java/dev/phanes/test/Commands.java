package dev.phanes.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Runs short external commands with a time limit, for test set-up.
 */
public final class Commands {

	private Commands() {
	}

	/**
	 * Run a command and wait for it, at most the timeout; a command still running then is
	 * killed.
	 * @param timeout how long to wait
	 * @param command the program and its arguments
	 * @return its exit code ({@code -1} if it could not be started or timed out) and
	 * output (standard output and error together)
	 */
	public static Result run(Duration timeout, List<String> command) {
		Path output = null;
		try {
			output = Files.createTempFile("phanes-command-", ".log");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			process.getOutputStream().close();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				process.waitFor(5, TimeUnit.SECONDS);
				return new Result(-1, "timed out after " + timeout.toSeconds() + " s: " + read(output));
			}
			return new Result(process.exitValue(), read(output));
		}
		catch (IOException ex) {
			return new Result(-1, String.valueOf(ex.getMessage()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Result(-1, "interrupted");
		}
		finally {
			if (output != null) {
				try {
					Files.deleteIfExists(output);
				}
				catch (IOException ex) {
					// a temporary file left behind
				}
			}
		}
	}

	/**
	 * Stop a process: ask it to exit (SIGTERM), kill it (SIGKILL) if it has not exited
	 * within the grace period, and then wait for it to be gone.
	 * @param process the process
	 * @param grace how long it may take to exit
	 * @param killWait how long to wait after killing it
	 * @return {@code false} if the wait was interrupted (the thread's interrupt flag is
	 * set again)
	 */
	public static boolean terminate(Process process, Duration grace, Duration killWait) {
		process.destroy();
		try {
			if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly().waitFor(killWait.toMillis(), TimeUnit.MILLISECONDS);
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Run a command like {@link #run(Duration, List)} and require it to succeed.
	 * @param timeout how long to wait
	 * @param command the program and its arguments
	 * @return its output
	 * @throws IllegalStateException if it fails or times out
	 */
	public static String check(Duration timeout, List<String> command) {
		Result result = run(timeout, command);
		if (!result.succeeded()) {
			throw new IllegalStateException(
					String.join(" ", command) + " failed (" + result.exitCode() + "): " + result.output().strip());
		}
		return result.output();
	}

	/**
	 * Return whether a program is on the {@code PATH} (or in {@code /usr/sbin} or
	 * {@code /sbin}, which a non-login {@code PATH} may leave out).
	 * @param program the program name
	 * @return its path, or {@code null} if not found
	 */
	public static @Nullable String find(String program) {
		String path = System.getenv("PATH");
		String directories = ((path != null) ? path + ":" : "") + "/usr/sbin:/sbin";
		for (String directory : directories.split(":")) {
			if (directory.isEmpty()) {
				continue;
			}
			Path candidate = Path.of(directory, program);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		return null;
	}

	private static String read(Path output) throws IOException {
		return Files.readString(output, StandardCharsets.UTF_8);
	}

	/**
	 * How a command ended.
	 *
	 * @param exitCode its exit code, {@code -1} if it could not be started or timed out
	 * @param output its standard output and error
	 */
	public record Result(int exitCode, String output) {

		/**
		 * Return whether the command exited with 0.
		 * @return whether it succeeded
		 */
		public boolean succeeded() {
			return this.exitCode == 0;
		}

	}

}
