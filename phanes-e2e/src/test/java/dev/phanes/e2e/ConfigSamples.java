package dev.phanes.e2e;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link ConfigIT} reads from its sample processes over HTTP (the greeting, the
 * health of reloads, the reload timer) and a wait for a condition on all of them at once,
 * each process polled on its own thread so that the time until it holds is measured per
 * process. Used from one test thread; {@link #close()} stops the pollers.
 */
final class ConfigSamples implements AutoCloseable {

	private static final Pattern GREETING_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"([^\"]*)\"");

	private static final Pattern GREETING_SHOUT = Pattern.compile("\"shout\"\\s*:\\s*(true|false)");

	private static final Pattern RELOADS = Pattern.compile("\"reloads\"\\s*:\\s*(\\d+)");

	private static final Pattern PROBLEMS = Pattern.compile("\"problems\"\\s*:\\s*\\[([^\\]]*)\\]");

	private final HttpClient http;

	private final List<SampleProcess> processes;

	private final ExecutorService pollers;

	/**
	 * Read from processes.
	 * @param http the client to ask with
	 * @param processes the processes, which the caller starts and stops
	 */
	ConfigSamples(HttpClient http, List<SampleProcess> processes) {
		this.http = http;
		this.processes = processes;
		this.pollers = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "phanes-e2e-config-poll");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Wait until a condition holds on every process, polling each on its own thread.
	 * @param what the condition, for the failure message
	 * @param bound how long after {@code since} it may take
	 * @param since {@link System#nanoTime()} the times are measured from
	 * @param poll the pause between two checks of one process
	 * @param condition the condition; an I/O error counts as not yet
	 * @return how long after {@code since} it held, per process
	 */
	Map<SampleProcess, Duration> awaitEverywhere(String what, Duration bound, long since, Duration poll,
			Check condition) {
		long deadline = since + bound.toNanos();
		Map<SampleProcess, CompletableFuture<Duration>> futures = new LinkedHashMap<>();
		for (SampleProcess process : this.processes) {
			futures.put(process, CompletableFuture.supplyAsync(() -> {
				while (true) {
					if (holds(condition, process)) {
						return Duration.ofNanos(System.nanoTime() - since);
					}
					if (System.nanoTime() > deadline) {
						throw new AssertionError(what + " did not hold on " + process + " within " + bound.toMillis()
								+ " ms" + "; its log ends:\n" + process.logTail());
					}
					SampleProcess.pause(poll);
				}
			}, this.pollers));
		}
		Map<SampleProcess, Duration> times = new LinkedHashMap<>();
		futures.forEach((process, future) -> times.put(process, join(future, bound.plusSeconds(30))));
		return times;
	}

	private static boolean holds(Check condition, SampleProcess process) {
		try {
			return condition.test(process);
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
	}

	private static Duration join(CompletableFuture<Duration> future, Duration timeout) {
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof AssertionError error) {
				throw error;
			}
			throw new AssertionError(ex.getCause());
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new AssertionError("A poller did not finish within " + timeout.toMillis() + " ms", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
	}

	/**
	 * Ask a process for its greeting ({@code GET /greeting}, which must answer 200).
	 */
	Greeting greeting(SampleProcess process) throws IOException, InterruptedException {
		HttpResponse<String> response = get(process, "/greeting");
		assertThat(response.statusCode()).as("GET /greeting on %s", process).isEqualTo(200);
		Matcher message = GREETING_MESSAGE.matcher(response.body());
		Matcher shout = GREETING_SHOUT.matcher(response.body());
		assertThat(message.find() && shout.find()).as("greeting JSON from %s: %s", process, response.body()).isTrue();
		return new Greeting(message.group(1), Boolean.parseBoolean(shout.group(1)));
	}

	/**
	 * The status of a {@code GET} on a process, e.g. 503 for a readiness group that is
	 * DOWN.
	 */
	int status(SampleProcess process, String path) throws IOException, InterruptedException {
		return get(process, path).statusCode();
	}

	/**
	 * The problems of the rejected change {@code phanesConfig} shows, or {@code null}.
	 */
	@Nullable String rejection(SampleProcess process) throws IOException, InterruptedException {
		String body = get(process, "/actuator/health/phanesConfig").body();
		if (!body.contains("lastRejectedChange")) {
			return null;
		}
		Matcher problems = PROBLEMS.matcher(body);
		return problems.find() ? problems.group(1) : body;
	}

	/**
	 * How many reloads ran on a process, whatever their outcome ({@code reloads} of
	 * {@code phanesConfig}).
	 */
	long reloadCount(SampleProcess process) throws IOException, InterruptedException {
		String body = get(process, "/actuator/health/phanesConfig").body();
		Matcher reloads = RELOADS.matcher(body);
		assertThat(reloads.find()).as("phanesConfig's reload count on %s: %s", process, body).isTrue();
		return Long.parseLong(reloads.group(1));
	}

	/**
	 * The count and the total seconds of a process's successful etcd reloads, from its
	 * {@code phanes.config.reload} timer in {@code /actuator/prometheus}.
	 */
	double[] reloadTimer(SampleProcess process) throws IOException, InterruptedException {
		double[] timer = new double[2];
		get(process, "/actuator/prometheus").body()
			.lines()
			.filter((line) -> line.contains("outcome=\"success\"") && line.contains("source=\"etcd\""))
			.forEach((line) -> {
				double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
				if (line.startsWith("phanes_config_reload_seconds_count{")) {
					timer[0] += value;
				}
				else if (line.startsWith("phanes_config_reload_seconds_sum{")) {
					timer[1] += value;
				}
			});
		return timer;
	}

	/**
	 * The instance id a process answers now, which a restart would change.
	 */
	String instanceId(SampleProcess process) throws IOException, InterruptedException {
		Matcher matcher = SampleProcess.INSTANCE_ID.matcher(get(process, "/instance").body());
		assertThat(matcher.find()).as("instance id from %s", process).isTrue();
		return matcher.group(1);
	}

	private HttpResponse<String> get(SampleProcess process, String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(process.uri(path)).timeout(Duration.ofSeconds(5)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * A condition on one process, checked over HTTP.
	 */
	@FunctionalInterface
	interface Check {

		boolean test(SampleProcess process) throws IOException, InterruptedException;

	}

	/**
	 * What {@code GET /greeting} answers, less the derived text.
	 *
	 * @param message the configured message
	 * @param shout whether the shout flag is on
	 */
	record Greeting(String message, boolean shout) {

	}

	@Override
	public void close() {
		this.pollers.shutdownNow();
	}

}
