package dev.phanes.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import org.jspecify.annotations.Nullable;

/**
 * One real etcd server on free loopback ports with its data in a temporary directory; it
 * can be stopped and started again on the same ports with the same data, for outage
 * tests. Its log goes to {@code target/process-logs/etcd-<port>.log}.
 */
public final class EtcdServer implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private final String executable;

	private final int clientPort;

	private final int peerPort;

	private final Path dataDirectory;

	private @Nullable Process process;

	private @Nullable Client client;

	/**
	 * Start a server.
	 * @param executable the {@code etcd} program
	 */
	public EtcdServer(String executable) {
		this.executable = executable;
		this.clientPort = freePort();
		this.peerPort = freePort();
		try {
			this.dataDirectory = Files.createTempDirectory("phanes-etcd-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		start();
	}

	/**
	 * Find the {@code etcd} program: {@code /usr/bin/etcd} or on the {@code PATH}.
	 * @return its path, or {@code null}
	 */
	public static @Nullable String executable() {
		if (Files.isExecutable(Path.of("/usr/bin/etcd"))) {
			return "/usr/bin/etcd";
		}
		return Commands.find("etcd");
	}

	/**
	 * The client URL, {@code http://127.0.0.1:<port>}.
	 * @return the endpoint
	 */
	public String endpoint() {
		return "http://127.0.0.1:" + this.clientPort;
	}

	/**
	 * Start the server (again), on the same ports and data, and wait until it is healthy.
	 */
	public synchronized void start() {
		if (this.process != null && this.process.isAlive()) {
			return;
		}
		String peer = "http://127.0.0.1:" + this.peerPort;
		try {
			Path logs = Files.createDirectories(LineProcess.buildDirectory().resolve("process-logs"));
			this.process = new ProcessBuilder(List.of(this.executable, "--name", "phanes-test", "--data-dir",
					this.dataDirectory.toString(), "--listen-client-urls", endpoint(), "--advertise-client-urls",
					endpoint(), "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster",
					"phanes-test=" + peer, "--logger", "zap", "--log-level", "warn"))
				.redirectErrorStream(true)
				.redirectOutput(
						ProcessBuilder.Redirect.appendTo(logs.resolve("etcd-" + this.clientPort + ".log").toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + this.executable, ex);
		}
		awaitHealthy();
	}

	private void awaitHealthy() {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			Process running = this.process;
			if (running == null || !running.isAlive()) {
				throw new IllegalStateException(
						"etcd exited at start; see target/process-logs/etcd-" + this.clientPort + ".log");
			}
			try {
				HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
					.timeout(Duration.ofSeconds(1))
					.build(), HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200 && response.body().contains("true")) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			sleep(50);
		}
		throw new IllegalStateException("etcd not healthy within " + START_TIMEOUT.toSeconds() + " s");
	}

	/**
	 * Stop the server (SIGTERM, then SIGKILL after a few seconds), keeping its data.
	 */
	public synchronized void stop() {
		Process running = this.process;
		if (running == null) {
			return;
		}
		Commands.terminate(running, Duration.ofSeconds(5), Duration.ofSeconds(5));
		this.process = null;
	}

	/**
	 * A jetcd client of this server for the test's own writes, closed with the server.
	 * @return the client
	 */
	public synchronized Client client() {
		if (this.client == null) {
			this.client = Client.builder().endpoints(endpoint()).build();
		}
		return this.client;
	}

	/**
	 * Write a key and wait for the write.
	 * @param key the key
	 * @param value the value
	 * @return the revision of the write
	 */
	public long put(String key, String value) {
		return join(client().getKVClient().put(bytes(key), bytes(value))).getHeader().getRevision();
	}

	/**
	 * Write keys {@code prefix0} … {@code prefix(count-1)} at once (all requests sent
	 * before any answer is awaited), each holding its number, and wait for all.
	 * @param prefix the start of the keys
	 * @param count how many
	 */
	public void putAll(String prefix, int count) {
		java.util.List<java.util.concurrent.CompletableFuture<?>> puts = new java.util.ArrayList<>();
		for (int i = 0; i < count; i++) {
			puts.add(client().getKVClient().put(bytes(prefix + i), bytes(Integer.toString(i))));
		}
		join(java.util.concurrent.CompletableFuture.allOf(puts.toArray(java.util.concurrent.CompletableFuture[]::new)));
	}

	/**
	 * Delete a key and wait for the delete.
	 * @param key the key
	 */
	public void delete(String key) {
		join(client().getKVClient().delete(bytes(key)));
	}

	/**
	 * Delete every key under a prefix.
	 * @param prefix the prefix
	 */
	public void deletePrefix(String prefix) {
		join(client().getKVClient()
			.delete(bytes(prefix), io.etcd.jetcd.options.DeleteOption.builder().isPrefix(true).build()));
	}

	/**
	 * Compact the history up to the current revision.
	 * @return the revision compacted at
	 */
	public long compact() {
		long revision = join(client().getKVClient().get(bytes("/"), GetOption.builder().withCountOnly(true).build()))
			.getHeader()
			.getRevision();
		join(client().getKVClient().compact(revision));
		return revision;
	}

	private static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
		try {
			return future.get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("etcd request failed", ex);
		}
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	@Override
	public synchronized void close() {
		if (this.client != null) {
			this.client.close();
			this.client = null;
		}
		stop();
		try (Stream<Path> paths = Files.walk(this.dataDirectory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// a temporary directory left behind
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
