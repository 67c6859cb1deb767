package dev.phanes.test;

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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import org.jspecify.annotations.Nullable;

/**
 * A real etcd cluster of three members on free loopback ports, each with its data in a
 * temporary directory. A member can be killed (SIGKILL) and started again on the same
 * ports and data, and so can the whole cluster. Logs go to
 * {@code target/process-logs/etcd-<port>.log}.
 */
public final class EtcdCluster implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private final String executable;

	private final List<Member> members = new ArrayList<>();

	private final String initialCluster;

	private final String token = "phanes-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());

	/**
	 * Start a cluster of three members and wait until each is healthy.
	 * @param executable the {@code etcd} program
	 */
	public EtcdCluster(String executable) {
		this.executable = executable;
		for (int i = 0; i < 3; i++) {
			this.members.add(new Member("m" + i, freePort(), freePort()));
		}
		this.initialCluster = this.members.stream()
			.map((member) -> member.name + "=" + member.peerUrl())
			.collect(Collectors.joining(","));
		this.members.forEach(Member::launch);
		this.members.forEach(Member::awaitHealthy);
	}

	/**
	 * The client URLs of every member, comma-separated.
	 * @return the endpoints
	 */
	public String endpoints() {
		return this.members.stream().map(Member::clientUrl).collect(Collectors.joining(","));
	}

	/**
	 * The client URL of one member.
	 * @param index the member, 0 to 2
	 * @return its endpoint
	 */
	public String endpoint(int index) {
		return this.members.get(index).clientUrl();
	}

	/**
	 * The member that leads, as a running member sees it.
	 * @return its index
	 */
	public int leader() {
		for (Member asked : this.members) {
			if (!asked.isRunning()) {
				continue;
			}
			try (Client client = Client.builder().endpoints(asked.clientUrl()).build()) {
				StatusResponse status = client.getMaintenanceClient()
					.statusMember(asked.clientUrl())
					.get(10, TimeUnit.SECONDS);
				long leaderId = status.getLeader();
				for (int i = 0; i < this.members.size(); i++) {
					Member member = this.members.get(i);
					if (!member.isRunning()) {
						continue;
					}
					StatusResponse own = client.getMaintenanceClient()
						.statusMember(member.clientUrl())
						.get(10, TimeUnit.SECONDS);
					if (own.getHeader().getMemberId() == leaderId) {
						return i;
					}
				}
			}
			catch (Exception ex) {
				// ask another member
			}
		}
		throw new IllegalStateException("No running member knows a leader");
	}

	/**
	 * Kill a member (SIGKILL), keeping its data.
	 * @param index the member
	 */
	public void kill(int index) {
		this.members.get(index).kill();
	}

	/**
	 * Start a killed member again and wait until it is healthy.
	 * @param index the member
	 */
	public void start(int index) {
		Member member = this.members.get(index);
		member.launch();
		member.awaitHealthy();
	}

	/**
	 * Kill every member.
	 */
	public void killAll() {
		this.members.forEach(Member::kill);
	}

	/**
	 * Start every killed member again and wait until all are healthy.
	 */
	public void startAll() {
		for (Member member : this.members) {
			if (!member.isRunning()) {
				member.launch();
			}
		}
		this.members.forEach(Member::awaitHealthy);
	}

	/**
	 * Whether a member reports itself healthy (it has a leader and answers).
	 * @param index the member
	 * @return {@code true} if it does
	 */
	public boolean isHealthy(int index) {
		return this.members.get(index).isHealthy();
	}

	@Override
	public void close() {
		this.members.forEach(Member::kill);
		this.members.forEach(Member::deleteData);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private final class Member {

		private final String name;

		private final int clientPort;

		private final int peerPort;

		private final Path dataDirectory;

		private @Nullable Process process;

		Member(String name, int clientPort, int peerPort) {
			this.name = name;
			this.clientPort = clientPort;
			this.peerPort = peerPort;
			try {
				this.dataDirectory = Files.createTempDirectory("phanes-etcd-" + name + "-");
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		String clientUrl() {
			return "http://127.0.0.1:" + this.clientPort;
		}

		String peerUrl() {
			return "http://127.0.0.1:" + this.peerPort;
		}

		synchronized boolean isRunning() {
			return this.process != null && this.process.isAlive();
		}

		synchronized void launch() {
			if (isRunning()) {
				return;
			}
			try {
				Path logs = Files.createDirectories(LineProcess.buildDirectory().resolve("process-logs"));
				this.process = new ProcessBuilder(List.of(EtcdCluster.this.executable, "--name", this.name,
						"--data-dir", this.dataDirectory.toString(), "--listen-client-urls", clientUrl(),
						"--advertise-client-urls", clientUrl(), "--listen-peer-urls", peerUrl(),
						"--initial-advertise-peer-urls", peerUrl(), "--initial-cluster",
						EtcdCluster.this.initialCluster, "--initial-cluster-state", "new", "--initial-cluster-token",
						EtcdCluster.this.token, "--logger", "zap", "--log-level", "warn"))
					.redirectErrorStream(true)
					.redirectOutput(
							ProcessBuilder.Redirect.appendTo(logs.resolve("etcd-" + this.clientPort + ".log").toFile()))
					.start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot start " + EtcdCluster.this.executable, ex);
			}
		}

		void awaitHealthy() {
			long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
			while (System.nanoTime() < deadline) {
				if (!isRunning()) {
					throw new IllegalStateException("etcd member " + this.name
							+ " exited; see target/process-logs/etcd-" + this.clientPort + ".log");
				}
				if (isHealthy()) {
					return;
				}
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}
			throw new IllegalStateException(
					"etcd member " + this.name + " not healthy within " + START_TIMEOUT.toSeconds() + " s");
		}

		boolean isHealthy() {
			HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
			try {
				HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(clientUrl() + "/health"))
					.timeout(Duration.ofSeconds(2))
					.build(), HttpResponse.BodyHandlers.ofString());
				return response.statusCode() == 200 && response.body().contains("\"true\"");
			}
			catch (IOException ex) {
				return false;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}

		synchronized void kill() {
			Process running = this.process;
			if (running != null) {
				running.destroyForcibly();
				try {
					running.waitFor(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				this.process = null;
			}
		}

		void deleteData() {
			try (Stream<Path> paths = Files.walk(this.dataDirectory)) {
				paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
			}
			catch (IOException ex) {
				// a temporary directory left behind
			}
		}

	}

}
