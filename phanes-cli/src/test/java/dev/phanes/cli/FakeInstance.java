package dev.phanes.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/**
 * An instance of a service for the tests: a real HTTP server on loopback that answers
 * each path with a canned answer (404 for others) and records what it was asked.
 */
final class FakeInstance implements AutoCloseable {

	private final HttpServer server;

	private final Map<String, Answer> answers = new ConcurrentHashMap<>();

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	private final String instanceId;

	private final Map<String, String> metadata;

	FakeInstance(String instanceId) {
		this(instanceId, Map.of());
	}

	FakeInstance(String instanceId, Map<String, String> metadata) {
		this.instanceId = instanceId;
		this.metadata = metadata;
		try {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	/**
	 * Answer a path (without its query).
	 */
	FakeInstance answer(String path, int status, String contentType, String body) {
		this.answers.put(path, new Answer(status, contentType, body));
		return this;
	}

	FakeInstance json(String path, String body) {
		return answer(path, 200, "application/json", body);
	}

	ServiceInstance instance(String serviceId) {
		return new DefaultServiceInstance(this.instanceId, serviceId, "127.0.0.1", port(), false, this.metadata);
	}

	int port() {
		return this.server.getAddress().getPort();
	}

	List<Request> requests() {
		return List.copyOf(this.requests);
	}

	private void handle(HttpExchange exchange) throws IOException {
		String path = exchange.getRequestURI().getPath();
		byte[] received = exchange.getRequestBody().readAllBytes();
		this.requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
				Map.copyOf(exchange.getRequestHeaders()), new String(received, StandardCharsets.UTF_8)));
		Answer answer = this.answers.getOrDefault(path, new Answer(404, "application/json", "{}"));
		byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", answer.contentType());
		exchange.sendResponseHeaders(answer.status(), body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	record Answer(int status, String contentType, String body) {
	}

	record Request(String method, String uri, Map<String, List<String>> headers, String body) {

		String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().equalsIgnoreCase(name))
				.map((entry) -> entry.getValue().get(0))
				.findFirst()
				.orElse(null);
		}

	}

}
