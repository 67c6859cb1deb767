package dev.phanes.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Reads an instance's Actuator endpoints over HTTP, at its {@link ManagementAddress}.
 * Every failure becomes an {@link EndpointUnavailableException} naming the instance, the
 * URL and what to do (for an endpoint that is not exposed, the property that exposes it).
 * Thread-safe.
 */
final class ActuatorClient {

	/**
	 * The property that exposes Actuator endpoints over HTTP.
	 */
	static final String EXPOSURE_PROPERTY = "management.endpoints.web.exposure.include";

	private static final String JSON_TYPES = "application/vnd.spring-boot.actuator.v3+json, application/json";

	private final HttpClient http;

	private final Duration timeout;

	/**
	 * Create a client.
	 * @param http the HTTP client, whose connect timeout should be the timeout
	 * @param timeout the longest wait for an answer
	 */
	ActuatorClient(HttpClient http, Duration timeout) {
		this.http = http;
		this.timeout = timeout;
	}

	/**
	 * Return the HTTP client, for requests that are not Actuator reads.
	 * @return the client
	 */
	HttpClient http() {
		return this.http;
	}

	/**
	 * Read an endpoint's JSON.
	 * @param instance the instance
	 * @param endpoint the endpoint's path under the base path, such as {@code catalog}
	 * @param query the encoded query, or {@code null}
	 * @return the answer
	 * @throws EndpointUnavailableException if it cannot be read
	 */
	JsonNode read(ServiceInstance instance, String endpoint, @Nullable String query) {
		return parse(instance, endpoint, fetch(instance, endpoint, query, JSON_TYPES, false));
	}

	/**
	 * Read the health of an instance: its {@code health} endpoint's status, which is
	 * there whether the instance is up (200) or not (503).
	 * @param instance the instance
	 * @return the status, such as {@code UP} or {@code DOWN}
	 * @throws EndpointUnavailableException if it cannot be read
	 */
	String health(ServiceInstance instance) {
		// where the instance says its health endpoint is (Spring Boot Admin's
		// health.path)
		String path = instance.getMetadata().getOrDefault("health.path", "health");
		String endpoint = path.startsWith("/") ? path.substring(1) : path;
		String body = fetch(instance, endpoint.isEmpty() ? "health" : endpoint, null, JSON_TYPES, true);
		return Json.text(parse(instance, "health", body), "status", "UNKNOWN");
	}

	/**
	 * Read the version an instance's {@code info} endpoint gives ({@code build.version}).
	 * @param instance the instance
	 * @return the version, or {@code null} if the endpoint gives none
	 * @throws EndpointUnavailableException if it cannot be read
	 */
	@Nullable String buildVersion(ServiceInstance instance) {
		return Json.text(read(instance, "info", null).path("build"), "version");
	}

	/**
	 * Read how long an instance has run: the {@code process.uptime} meter of its
	 * {@code metrics} endpoint, else the {@code process_uptime_seconds} sample of its
	 * {@code prometheus} endpoint.
	 * @param instance the instance
	 * @return the uptime in seconds
	 * @throws EndpointUnavailableException if neither endpoint gives it
	 */
	double uptimeSeconds(ServiceInstance instance) {
		try {
			JsonNode meter = read(instance, "metrics/process.uptime", null);
			for (JsonNode measurement : meter.path("measurements")) {
				if (measurement.path("value").isNumber()) {
					return measurement.path("value").doubleValue();
				}
			}
		}
		catch (EndpointUnavailableException ex) {
			if (!ex.notExposed()) {
				throw ex;
			}
		}
		String scrape;
		try {
			scrape = fetch(instance, "prometheus", null, "text/plain", false);
		}
		catch (EndpointUnavailableException ex) {
			if (ex.notExposed()) {
				throw new EndpointUnavailableException(instance.getInstanceId()
						+ ": neither the 'metrics' nor the 'prometheus' Actuator endpoint is exposed at "
						+ ManagementAddress.of(instance) + ", so its uptime is unknown; add one to "
						+ EXPOSURE_PROPERTY, true);
			}
			throw ex;
		}
		Double uptime = prometheusUptime(scrape);
		if (uptime == null) {
			throw new EndpointUnavailableException(
					instance.getInstanceId() + ": its Prometheus scrape has no process_uptime_seconds", false);
		}
		return uptime;
	}

	/**
	 * Read the uptime in a Prometheus scrape.
	 * @param scrape the text exposition
	 * @return the value of the first {@code process_uptime_seconds} sample, or
	 * {@code null}
	 */
	static @Nullable Double prometheusUptime(String scrape) {
		for (String line : scrape.split("\n")) {
			if (line.startsWith("process_uptime_seconds ") || line.startsWith("process_uptime_seconds{")) {
				String[] parts = line.trim().split("\\s+");
				try {
					return Double.parseDouble(parts[parts.length - 1]);
				}
				catch (NumberFormatException ex) {
					return null;
				}
			}
		}
		return null;
	}

	/**
	 * Read an instance's {@code catalog} endpoint.
	 * @param instance the instance
	 * @return what it serves
	 * @throws EndpointUnavailableException if it cannot be read
	 */
	Catalog catalog(ServiceInstance instance) {
		return Catalog.of(read(instance, "catalog", null));
	}

	/**
	 * Run a read on every instance at once.
	 * @param <T> what a read gives
	 * @param instances the instances
	 * @param read the read of one instance; it may throw
	 * @return what each read gave or threw, in the order of the instances
	 */
	<T> List<Outcome<T>> readAll(List<ServiceInstance> instances, Function<ServiceInstance, T> read) {
		if (instances.isEmpty()) {
			return List.of();
		}
		ExecutorService executor = Executors.newFixedThreadPool(Math.min(instances.size(), 8), (task) -> {
			Thread thread = new Thread(task, "phanes-cli-read");
			thread.setDaemon(true);
			return thread;
		});
		try {
			List<CompletableFuture<Outcome<T>>> futures = new ArrayList<>();
			for (ServiceInstance instance : instances) {
				futures.add(CompletableFuture.supplyAsync(() -> Outcome.of(instance, read), executor));
			}
			return futures.stream().map(CompletableFuture::join).toList();
		}
		finally {
			executor.shutdownNow();
		}
	}

	private String fetch(ServiceInstance instance, String endpoint, @Nullable String query, String accept,
			boolean acceptUnavailable) {
		URI uri = ManagementAddress.of(instance).resolve(endpoint, query);
		HttpRequest request = HttpRequest.newBuilder(uri).timeout(this.timeout).header("Accept", accept).GET().build();
		HttpResponse<String> response;
		try {
			response = this.http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (HttpTimeoutException ex) {
			throw new EndpointUnavailableException(instance.getInstanceId() + ": no answer from " + uri + " within "
					+ Console.format(this.timeout) + "; raise --timeout if the instance is slow", false);
		}
		catch (ConnectException ex) {
			throw new EndpointUnavailableException(instance.getInstanceId() + ": Actuator unreachable at " + uri
					+ " (connection refused); if it listens elsewhere, publish " + ManagementAddress.PORT + " / "
					+ ManagementAddress.CONTEXT_PATH + " in its metadata", false);
		}
		catch (IOException ex) {
			throw new EndpointUnavailableException(
					instance.getInstanceId() + ": Actuator unreachable at " + uri + " (" + ex + ")", false);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException("Interrupted while reading " + uri);
		}
		int status = response.statusCode();
		if (status == 200 || (acceptUnavailable && status == 503)) {
			return response.body();
		}
		String name = endpoint.contains("/") ? endpoint.substring(0, endpoint.indexOf('/')) : endpoint;
		if (status == 404) {
			throw new EndpointUnavailableException(
					instance.getInstanceId() + ": the '" + name + "' Actuator endpoint is not exposed at " + uri
							+ " (404); add " + name + " to " + EXPOSURE_PROPERTY + " on that service",
					true);
		}
		if (status == 401 || status == 403) {
			throw new EndpointUnavailableException(instance.getInstanceId() + ": " + uri + " answered " + status
					+ "; its Actuator needs credentials, which the phanes command does not send", false);
		}
		throw new EndpointUnavailableException(instance.getInstanceId() + ": " + uri + " answered " + status, false);
	}

	private static JsonNode parse(ServiceInstance instance, String endpoint, String body) {
		try {
			return Console.JSON.readTree(body);
		}
		catch (JacksonException ex) {
			throw new EndpointUnavailableException(instance.getInstanceId() + ": the '" + endpoint
					+ "' Actuator endpoint did not answer JSON: " + ex.getOriginalMessage(), false);
		}
	}

	/**
	 * What a read of one instance gave.
	 *
	 * @param <T> what a read gives
	 * @param instance the instance
	 * @param value what the read gave, or {@code null} if it failed
	 * @param problem why it failed, or {@code null}
	 */
	record Outcome<T>(ServiceInstance instance, @Nullable T value, @Nullable CliException problem) {

		static <T> Outcome<T> of(ServiceInstance instance, Function<ServiceInstance, T> read) {
			try {
				return new Outcome<>(instance, read.apply(instance), null);
			}
			catch (CliException ex) {
				return new Outcome<>(instance, null, ex);
			}
		}

	}

}
