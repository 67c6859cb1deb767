package dev.phanes.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;

/**
 * {@code phanes call SERVICE METHOD PATH [BODY]}: one request through Phanes' load
 * balancer, which chooses the instance the way a {@code @LoadBalanced} client of the
 * service would (the same {@code --key} always reaches the same instance while the
 * instances stay the same). Prints the status, the instance that answered, the trace id
 * of the call and the body. Exits with 1 on a 4xx or 5xx answer, or when no instance
 * answers.
 */
@Command(name = "call", mixinStandardHelpOptions = true,
		description = {
				"Call a service through Phanes' load balancer and print the status, the instance "
						+ "that answered, the trace id and the body.",
				"Exits with 1 on a 4xx or 5xx status or when no instance answers." })
class CallCommand implements Callable<Integer> {

	private static final Pattern TOKEN = Pattern.compile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$");

	@ParentCommand
	private PhanesCli cli;

	@Spec
	private CommandSpec spec;

	@Parameters(index = "0", paramLabel = "SERVICE", description = "The service id.")
	private String service;

	@Parameters(index = "1", paramLabel = "METHOD", description = "The HTTP method, such as GET or POST.")
	private String method;

	@Parameters(index = "2", paramLabel = "PATH", description = "The path and query, such as /notes?limit=5.")
	private String path;

	@Parameters(index = "3", arity = "0..1", paramLabel = "BODY",
			description = "The request body: text, @FILE for a file's content, or - for standard input. "
					+ "Sent as application/json unless -H gives a Content-Type.")
	private @Nullable String body;

	@Option(names = "--key", paramLabel = "KEY",
			description = "Hash key: calls with the same key go to the same instance. Sent in the hash header.")
	private @Nullable String key;

	@Option(names = "--key-header", paramLabel = "NAME",
			description = "Header the load balancer hashes and --key is sent in (default: "
					+ "phanes.loadbalancer.hash.header if set, else " + PhanesDiscovery.DEFAULT_HASH_HEADER + ").")
	private @Nullable String keyHeader;

	@Option(names = { "-H", "--header" }, paramLabel = "'NAME: VALUE'", description = "A request header; repeatable.")
	private List<String> headers = new ArrayList<>();

	@Override
	public Integer call() {
		CliOptions options = this.cli.options();
		String httpMethod = this.method.toUpperCase(Locale.ROOT);
		if (!TOKEN.matcher(httpMethod).matches()) {
			throw usage("METHOD must be an HTTP method such as GET or POST, not '" + this.method + "'");
		}
		if (!this.path.startsWith("/")) {
			throw usage("PATH must start with '/', such as /notes, not '" + this.path + "'");
		}
		try {
			// checked before discovery is listened to: a bad path fails at once
			java.net.URI.create("http://service" + this.path);
		}
		catch (IllegalArgumentException ex) {
			throw usage("PATH is not a valid URI path (encode spaces and other special characters as %XX): '"
					+ this.path + "'");
		}
		HttpHeaders requestHeaders = headers(this.headers);
		byte[] requestBody = body();
		if (requestBody != null && !requestHeaders.containsHeader(HttpHeaders.CONTENT_TYPE)) {
			requestHeaders.set(HttpHeaders.CONTENT_TYPE, "application/json");
		}
		String traceparent = requestHeaders.getFirst(TraceParent.HEADER);
		if (traceparent == null) {
			traceparent = TraceParent.random(new SecureRandom()).header();
			requestHeaders.set(TraceParent.HEADER, traceparent);
		}
		Map<String, String> properties = new LinkedHashMap<>();
		if (this.keyHeader != null) {
			properties.put("phanes.loadbalancer.hash.header", this.keyHeader);
		}
		Console console = PhanesCli.console(this.spec, options);
		ServiceInstance instance;
		try (Discovery discovery = this.cli.discovery(options, properties)) {
			if (this.key != null) {
				requestHeaders.set(discovery.hashHeader(), this.key);
			}
			ServiceLookup.require(discovery, options, this.service);
			RequestData request = new RequestData(HttpMethod.valueOf(httpMethod),
					URI.create("http://" + this.service + this.path), requestHeaders, new LinkedMultiValueMap<>(),
					Map.of());
			instance = discovery.choose(this.service, request)
				.orElseThrow(() -> new CliException("The load balancer chose no instance of " + this.service + " ("
						+ discovery.description() + "); are its instances healthy?"));
		}
		CallResult result = send(PhanesCli.actuator(options), options, instance, httpMethod, requestHeaders,
				requestBody, TraceParent.traceIdOf(traceparent));
		if (console.json()) {
			console.printJson(result);
		}
		else {
			console.print(CallResult.text(result));
		}
		return (result.status() >= 400) ? CliException.FAILED : 0;
	}

	private CallResult send(ActuatorClient client, CliOptions options, ServiceInstance instance, String httpMethod,
			HttpHeaders requestHeaders, byte @Nullable [] requestBody, @Nullable String traceId) {
		URI target = URI.create(instance.getUri().toString() + this.path);
		HttpRequest.Builder builder = HttpRequest.newBuilder(target)
			.timeout(options.timeout())
			.method(httpMethod, (requestBody != null) ? HttpRequest.BodyPublishers.ofByteArray(requestBody)
					: HttpRequest.BodyPublishers.noBody());
		requestHeaders.forEach((name, values) -> values.forEach((value) -> {
			try {
				builder.header(name, value);
			}
			catch (IllegalArgumentException ex) {
				throw usage("Header '" + name + "' cannot be set: " + ex.getMessage());
			}
		}));
		long start = System.nanoTime();
		HttpResponse<String> response;
		try {
			response = client.http().send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (HttpTimeoutException ex) {
			throw new CliException(instance.getInstanceId() + " (" + target + ") did not answer within "
					+ Console.format(options.timeout()) + "; raise --timeout if it is slow");
		}
		catch (IOException ex) {
			throw new CliException("The call to " + instance.getInstanceId() + " at " + target + " failed: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException("Interrupted while calling " + target);
		}
		long millis = (System.nanoTime() - start) / 1_000_000;
		String contentType = response.headers().firstValue(HttpHeaders.CONTENT_TYPE).orElse(null);
		return new CallResult(this.service, httpMethod, this.path, response.statusCode(),
				CallResult.reason(response.statusCode()), CallResult.InstanceRef.of(instance), traceId, millis,
				contentType, CallResult.body(response.body(), contentType));
	}

	private HttpHeaders headers(List<String> given) {
		HttpHeaders result = new HttpHeaders();
		for (String header : given) {
			int colon = header.indexOf(':');
			String name = (colon > 0) ? header.substring(0, colon).trim() : "";
			if (!TOKEN.matcher(name).matches()) {
				throw usage("-H takes 'Name: value', not '" + header + "'");
			}
			String value = header.substring(colon + 1).trim();
			try {
				// the JDK client refuses some headers (Connection, Host, ...): say so
				// before
				// discovery is listened to
				java.net.http.HttpRequest.newBuilder().header(name, value);
			}
			catch (IllegalArgumentException ex) {
				throw usage("-H '" + name + "' cannot be set: " + ex.getMessage());
			}
			result.add(name, value);
		}
		return result;
	}

	private byte @Nullable [] body() {
		if (this.body == null) {
			return null;
		}
		try {
			if (this.body.equals("-")) {
				InputStream in = System.in;
				return in.readAllBytes();
			}
			if (this.body.startsWith("@")) {
				return Files.readAllBytes(Path.of(this.body.substring(1)));
			}
		}
		catch (IOException ex) {
			throw usage("Cannot read the body from " + this.body + ": " + ex.getMessage());
		}
		return this.body.getBytes(StandardCharsets.UTF_8);
	}

	private ParameterException usage(String message) {
		return new ParameterException(this.spec.commandLine(), message);
	}

}
