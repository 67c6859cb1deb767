package dev.phanes.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import static org.awaitility.Awaitility.await;

/**
 * A single-node KRaft Kafka broker in a child JVM, run from the Kafka jars on the test
 * class path ({@code kafka.Kafka} on a generated {@code server.properties}, storage
 * formatted with {@code kafka.tools.StorageTool}), on fixed free loopback ports, that a
 * test can stop and start again on the same ports and data;
 * {@code EmbeddedKafkaKraftBroker} cannot. Injected as a {@link Broker} parameter, one
 * per test class, stopped after the class.
 */
public final class RestartableKafkaExtension implements ParameterResolver, AfterAllCallback {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(RestartableKafkaExtension.class);

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == Broker.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return extensionContext.getStore(NAMESPACE).computeIfAbsent(Broker.class, (type) -> new Broker(), Broker.class);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		Broker broker = context.getStore(NAMESPACE).remove(Broker.class, Broker.class);
		if (broker != null) {
			broker.close();
		}
	}

	/**
	 * A broker process that can be stopped and started again.
	 */
	public static final class Broker implements AutoCloseable {

		private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

		private final Path directory;

		private final Path properties;

		private final int port;

		private Process process;

		Broker() {
			try {
				this.directory = Files.createTempDirectory("phanes-kafka-");
				this.port = freePort();
				int controllerPort = freePort();
				this.properties = this.directory.resolve("server.properties");
				Files.writeString(this.properties,
						String.join("\n", "process.roles=broker,controller", "node.id=1",
								"controller.quorum.voters=1@127.0.0.1:" + controllerPort,
								"listeners=PLAINTEXT://127.0.0.1:" + this.port + ",CONTROLLER://127.0.0.1:"
										+ controllerPort,
								"advertised.listeners=PLAINTEXT://127.0.0.1:" + this.port,
								"controller.listener.names=CONTROLLER", "inter.broker.listener.name=PLAINTEXT",
								"listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
								"log.dirs=" + this.directory.resolve("data"), "offsets.topic.replication.factor=1",
								"transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
								"share.coordinator.state.topic.replication.factor=1",
								"group.initial.rebalance.delay.ms=0", "num.partitions=1", ""));
				Files.writeString(this.directory.resolve("logback.xml"),
						"<configuration><appender name=\"file\" class=\"ch.qos.logback.core.FileAppender\">" + "<file>"
								+ this.directory.resolve("broker.log") + "</file><encoder><pattern>"
								+ "%d %level %logger{20} %msg%n</pattern></encoder></appender>"
								+ "<root level=\"WARN\"><appender-ref ref=\"file\"/></root></configuration>");
				Process format = java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
						this.properties.toString());
				if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
					format.destroyForcibly();
					throw new IllegalStateException(
							"Cannot format Kafka storage: " + Files.readString(this.directory.resolve("process.out")));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			start();
		}

		private Process java(String main, String... arguments) throws IOException {
			List<String> command = new ArrayList<>(
					List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
							"-XX:+UseSerialGC", "-Dlogback.configurationFile=" + this.directory.resolve("logback.xml"),
							"-cp", System.getProperty("java.class.path"), main));
			command.addAll(List.of(arguments));
			Path out = this.directory.resolve("process.out");
			Files.writeString(out, "--- " + main + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			return new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
				.start();
		}

		/**
		 * The bootstrap servers, the same across restarts.
		 * @return {@code 127.0.0.1:port}
		 */
		public String bootstrapServers() {
			return "127.0.0.1:" + this.port;
		}

		/**
		 * Start the broker (again) and wait until it answers.
		 */
		public synchronized void start() {
			if (this.process != null && this.process.isAlive()) {
				return;
			}
			try {
				this.process = java("kafka.Kafka", this.properties.toString());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			try (AdminClient admin = AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
					bootstrapServers(), AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
					AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000))) {
				await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
					if (!this.process.isAlive()) {
						throw new IllegalStateException(
								"Kafka broker exited: " + Files.readString(this.directory.resolve("process.out")));
					}
					return admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).size() == 1;
				});
			}
		}

		/**
		 * Stop the broker (a clean shutdown) and wait until its port is closed.
		 */
		public synchronized void stop() {
			if (this.process == null) {
				return;
			}
			if (!Commands.terminate(this.process, Duration.ofSeconds(30), Duration.ofSeconds(10))) {
				throw new IllegalStateException("Interrupted while stopping the broker");
			}
			this.process = null;
			await().atMost(Duration.ofSeconds(10)).until(() -> !accepting(this.port));
		}

		@Override
		public void close() {
			stop();
			try (var files = Files.walk(this.directory)) {
				files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
			}
			catch (IOException ex) {
				// a temporary directory left behind is no test failure
			}
		}

		private static boolean accepting(int port) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		}

		private static int freePort() throws IOException {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				return socket.getLocalPort();
			}
		}

	}

}
