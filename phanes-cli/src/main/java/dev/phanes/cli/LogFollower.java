package dev.phanes.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Tails the log streams of instances ({@code <actuator>/logs/stream}, Server-Sent Events
 * named {@code log} whose data is a log event), one daemon thread per instance. Streams
 * are opened before the recent events are read, and their events held back until
 * {@link #live} is told which events were shown already, so that no event between the two
 * is lost and none is shown twice. Thread-safe.
 */
final class LogFollower {

	private final HttpClient http;

	private final @Nullable String level;

	private final Consumer<InstanceLogEntry> sink;

	private final Console console;

	private final Object lock = new Object();

	private final List<InstanceLogEntry> held = new ArrayList<>();

	private boolean live;

	private @Nullable CountDownLatch ended;

	/**
	 * Create a follower.
	 * @param http the HTTP client
	 * @param level the lowest level wanted, or {@code null} for all
	 * @param sink told each event once it is live, from the streams' threads, one at a
	 * time
	 * @param console where streams that fail or end are reported
	 */
	LogFollower(HttpClient http, @Nullable String level, Consumer<InstanceLogEntry> sink, Console console) {
		this.http = http;
		this.level = level;
		this.sink = sink;
		this.console = console;
	}

	/**
	 * Open the stream of every instance; their events are held until {@link #live}.
	 * @param instances the instances
	 */
	void start(List<ServiceInstance> instances) {
		CountDownLatch latch = new CountDownLatch(instances.size());
		this.ended = latch;
		for (ServiceInstance instance : instances) {
			Thread thread = new Thread(() -> {
				try {
					follow(instance);
				}
				finally {
					latch.countDown();
				}
			}, "phanes-cli-follow-" + instance.getInstanceId());
			thread.setDaemon(true);
			thread.start();
		}
	}

	/**
	 * Show the held events that are not among those shown already, then every event as it
	 * comes.
	 * @param shown the events shown already
	 */
	void live(List<InstanceLogEntry> shown) {
		Set<String> seen = new HashSet<>();
		shown.forEach((entry) -> seen.add(entry.identity()));
		synchronized (this.lock) {
			this.held.sort(InstanceLogEntry.CHRONOLOGICAL);
			for (InstanceLogEntry entry : this.held) {
				if (!seen.contains(entry.identity())) {
					this.sink.accept(entry);
				}
			}
			this.held.clear();
			this.live = true;
		}
	}

	/**
	 * Wait until every stream has ended.
	 * @throws InterruptedException if interrupted first
	 */
	void awaitEnd() throws InterruptedException {
		CountDownLatch latch = this.ended;
		if (latch != null) {
			latch.await();
		}
	}

	private void follow(ServiceInstance instance) {
		URI uri = ManagementAddress.of(instance)
			.resolve("logs/stream", (this.level != null) ? "level=" + this.level : null);
		HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET().build();
		HttpResponse<Stream<String>> response;
		try {
			response = this.http.send(request, HttpResponse.BodyHandlers.ofLines());
		}
		catch (IOException ex) {
			this.console.warn(instance.getInstanceId() + ": cannot follow its logs at " + uri + " (" + ex + ")");
			return;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		if (response.statusCode() != 200) {
			response.body().close();
			this.console.warn(instance.getInstanceId() + ": its log stream " + uri + " answered "
					+ response.statusCode()
					+ ((response.statusCode() == 404) ? "; the stream is there when the 'logs' endpoint is exposed ("
							+ ActuatorClient.EXPOSURE_PROPERTY + ") on a WebFlux application" : ""));
			return;
		}
		ServerSentEvents events = new ServerSentEvents((event, data) -> {
			if (event.equals("log")) {
				deliver(instance, data);
			}
		});
		try (Stream<String> lines = response.body()) {
			lines.forEach(events::line);
			this.console.warn(instance.getInstanceId() + ": its log stream ended (the instance stopped?)");
		}
		catch (UncheckedIOException ex) {
			this.console.warn(instance.getInstanceId() + ": its log stream broke (" + ex.getCause() + ")");
		}
	}

	private void deliver(ServiceInstance instance, String data) {
		InstanceLogEntry entry;
		try {
			entry = InstanceLogEntry.of(instance.getInstanceId(), Console.JSON.readTree(data));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			this.console.warn(instance.getInstanceId() + ": skipped a log event that is not one: " + data);
			return;
		}
		synchronized (this.lock) {
			if (this.live) {
				this.sink.accept(entry);
			}
			else {
				this.held.add(entry);
			}
		}
	}

}
