package dev.phanes.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An etcd server for a benchmark fork: {@code /usr/bin/etcd} (or {@code etcd} on the
 * {@code PATH}) on free loopback ports, its data in a temporary directory removed on
 * close.
 */
final class EtcdProcess implements AutoCloseable {

	private final Process process;

	private final Path data;

	private final String endpoint;

	EtcdProcess() throws IOException, InterruptedException {
		String executable = Files.isExecutable(Path.of("/usr/bin/etcd")) ? "/usr/bin/etcd" : "etcd";
		int clientPort = freePort();
		String peer = "http://127.0.0.1:" + freePort();
		this.endpoint = "http://127.0.0.1:" + clientPort;
		this.data = Files.createTempDirectory("phanes-bench-etcd-");
		this.process = new ProcessBuilder(List.of(executable, "--name", "bench", "--data-dir", this.data.toString(),
				"--listen-client-urls", this.endpoint, "--advertise-client-urls", this.endpoint, "--listen-peer-urls",
				peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "bench=" + peer, "--logger", "zap",
				"--log-level", "error"))
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		HttpClient http = HttpClient.newHttpClient();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (System.nanoTime() < deadline) {
			try {
				HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(this.endpoint + "/health"))
					.timeout(Duration.ofSeconds(1))
					.build(), HttpResponse.BodyHandlers.ofString());
				if (health.body().contains("true")) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(50);
		}
		close();
		throw new IllegalStateException("etcd did not become healthy at " + this.endpoint);
	}

	String endpoint() {
		return this.endpoint;
	}

	@Override
	public void close() throws IOException, InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
		}
		try (Stream<Path> paths = Files.walk(this.data)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
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

}
