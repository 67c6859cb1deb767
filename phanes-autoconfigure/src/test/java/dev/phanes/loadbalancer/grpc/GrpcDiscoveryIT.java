package dev.phanes.loadbalancer.grpc;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.StringValue;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.phanes.loadbalancer.OutlierEjection;
import dev.phanes.loadbalancer.OutlierEjections;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * gRPC calls by service name ({@code discovery:///<service>}) over mDNS on loopback, to
 * real gRPC servers whose ports their registrations publish as {@code gRPC_port}: spread,
 * stickiness shared with HTTP, retries of idempotent calls around a hung and a SIGKILLed
 * instance, no retry of other calls, outlier ejection and its cap, and a bidirectional
 * stream. Outcomes are counted; the only time bounds are configured deadlines and
 * discovery's, with wide margins.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GrpcDiscoveryIT {

	private static final String SERVICE = "echo-"
			+ Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));

	private static final Map<String, Echo.EchoServer> servers = new HashMap<>();

	private static final List<ConfigurableApplicationContext> peers = new ArrayList<>();

	private final List<ConfigurableApplicationContext> clients = new ArrayList<>();

	private final List<ManagedChannel> channels = new ArrayList<>();

	private final List<Process> processes = new ArrayList<>();

	private final List<AutoCloseable> ownPeers = new ArrayList<>();

	@BeforeAll
	static void startPeers() throws Exception {
		for (String name : List.of("a", "b", "c")) {
			Echo.EchoServer server = new Echo.EchoServer(name);
			servers.put(name, server);
			peers.add(peer(SERVICE, server));
		}
	}

	private static ConfigurableApplicationContext peer(String service, Echo.EchoServer server) {
		return new SpringApplicationBuilder(GrpcPeerApplication.class)
			.properties("spring.application.name=" + service, "phanes.test.name=" + server.name, "server.port=0",
					"phanes.discovery.mdns.address=127.0.0.1", "spring.main.banner-mode=off",
					"phanes.discovery.mdns.metadata.gRPC_port=" + server.port())
			.run();
	}

	@AfterAll
	static void stopPeers() throws Exception {
		peers.forEach(ConfigurableApplicationContext::close);
		for (Echo.EchoServer server : servers.values()) {
			server.stop();
		}
	}

	@AfterEach
	void closeClients() throws Exception {
		this.channels.forEach(ManagedChannel::shutdownNow);
		this.clients.forEach(ConfigurableApplicationContext::close);
		this.processes.forEach(Process::destroyForcibly);
		for (AutoCloseable peer : this.ownPeers) {
			peer.close();
		}
		servers.values().forEach((server) -> {
			server.mode.set(Echo.Mode.ANSWER);
			server.who.set(0);
			server.created.set(0);
		});
	}

	@Test
	void callsWithoutAKeyAreSpreadEvenly() {
		GrpcCalls.assertSpreadEvenly(channel(client(3)), List.of("a", "b", "c"));
	}

	@Test
	void aKeyStaysOnOneInstanceTheSameAsOverHttp() {
		ConfigurableApplicationContext client = client(3);
		GrpcCalls.assertKeysStickAndMatchHttp(channel(client), client.getBean(WebClient.Builder.class).build(),
				SERVICE);
	}

	@Test
	void aHungInstanceTurnsIntoADeadlineAndARetryElsewhereButOtherCallsAreNotRetried() {
		ConfigurableApplicationContext client = client(3, "phanes.loadbalancer.grpc.deadline=500ms",
				"phanes.loadbalancer.outlier.consecutive-failures=1000");
		Channel channel = channel(client);
		Echo.EchoServer hung = servers.get("c");
		hung.mode.set(Echo.Mode.HANG);
		int failed = 0;
		for (int i = 0; i < 60; i++) {
			failed += (GrpcCalls.who(channel, null) == null) ? 1 : 0;
		}
		assertThat(failed).as("idempotent calls failed").isZero();
		assertThat(hung.who.get()).as("attempts the hung instance took").isPositive();
		assertThat(counter(client, "phanes.loadbalancer.retries")).isGreaterThanOrEqualTo(hung.who.get());
		int createdBefore = created();
		int deadlines = 0;
		for (int i = 0; i < 60; i++) {
			try {
				ClientCalls.blockingUnaryCall(channel, Echo.CREATE, CallOptions.DEFAULT, StringValue.of("x"));
			}
			catch (StatusRuntimeException ex) {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
				deadlines++;
			}
		}
		// A call makes one attempt at most (one that runs out of time before it reaches
		// a server makes none); every call the hung instance took failed.
		assertThat(created() - createdBefore).as("attempts of 60 calls: none retried").isLessThanOrEqualTo(60);
		assertThat(hung.created.get()).as("calls the hung instance took").isPositive();
		assertThat(deadlines).as("calls that ran out of time").isGreaterThanOrEqualTo(hung.created.get());
	}

	@Test
	void anInstanceReturningErrorsIsEjectedAndReturnsAfterItRecovers() {
		ConfigurableApplicationContext client = client(3, "phanes.loadbalancer.outlier.consecutive-failures=3",
				"phanes.loadbalancer.outlier.base-ejection-time=1s",
				"phanes.loadbalancer.outlier.max-ejection-time=2s");
		Channel channel = channel(client);
		Echo.EchoServer failing = servers.get("b");
		failing.mode.set(Echo.Mode.FAIL);
		OutlierEjection ejection = client.getBean(OutlierEjections.class).forService(SERVICE);
		int calls = 0;
		while (ejection.ejectedCount() == 0 && calls < 1_000) {
			GrpcCalls.who(channel, null);
			calls++;
		}
		assertThat(ejection.ejectedCount()).as("ejected after %d calls", calls).isEqualTo(1);
		assertThat(failing.who.get()).as("the failures that ejected it").isEqualTo(3);
		assertThat(counter(client, "phanes.loadbalancer.ejections")).isEqualTo(1);
		failing.mode.set(Echo.Mode.ANSWER);
		Set<String> answered = ConcurrentHashMap.newKeySet();
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			String name = GrpcCalls.who(channel, null);
			if (name != null) {
				answered.add(name);
			}
			return answered.contains("b");
		});
		assertThat(ejection.ejectedCount()).isZero();
	}

	@Test
	void theEjectionCapHoldsWhenEveryInstanceFails() {
		ConfigurableApplicationContext client = client(3, "phanes.loadbalancer.outlier.consecutive-failures=1");
		Channel channel = channel(client);
		servers.values().forEach((server) -> server.mode.set(Echo.Mode.FAIL));
		OutlierEjection ejection = client.getBean(OutlierEjections.class).forService(SERVICE);
		for (int i = 0; i < 100; i++) {
			GrpcCalls.who(channel, null);
			assertThat(ejection.ejectedCount()).as("half of 3, rounded down").isLessThanOrEqualTo(1);
		}
		assertThat(servers.values().stream().filter((server) -> server.who.get() > 0).count())
			.as("instances still called")
			.isGreaterThanOrEqualTo(2);
	}

	@Test
	@Order(Integer.MAX_VALUE) // Last: the killed instance stays in discovery until its
								// TTL.
	void aSigkilledInstanceCostsNoIdempotentCallAndItsStreamEndsWithAClearError() throws Exception {
		// A service of its own: two instances in this JVM and one in a child JVM to kill.
		String service = SERVICE + "-kill";
		for (String name : List.of("e", "f")) {
			Echo.EchoServer server = new Echo.EchoServer(name);
			this.ownPeers.add(server::stop);
			this.ownPeers.add(peer(service, server));
		}
		Process killed = startChild(service, "d");
		ConfigurableApplicationContext client = client(service, 3);
		Channel channel = channel(client, service);
		String key = GrpcCalls.keyOf(channel, "d");
		List<Status> streamEnd = new CopyOnWriteArrayList<>();
		AtomicInteger echoed = new AtomicInteger();
		CompletableFuture<Void> ended = new CompletableFuture<>();
		StreamObserver<StringValue> stream = ClientCalls.asyncBidiStreamingCall(
				GrpcCalls.keyed(channel, key).newCall(Echo.CHAT, CallOptions.DEFAULT), new StreamObserver<>() {

					@Override
					public void onNext(StringValue value) {
						echoed.incrementAndGet();
					}

					@Override
					public void onError(Throwable error) {
						streamEnd.add(Status.fromThrowable(error));
						ended.complete(null);
					}

					@Override
					public void onCompleted() {
						ended.complete(null);
					}

				});
		stream.onNext(StringValue.of("before"));
		await().atMost(Duration.ofSeconds(10)).until(() -> echoed.get() == 1);
		int calls = 5_000;
		AtomicInteger done = new AtomicInteger();
		AtomicInteger failed = new AtomicInteger();
		Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
		ExecutorService callers = Executors.newFixedThreadPool(4);
		try {
			for (int t = 0; t < 4; t++) {
				callers.execute(() -> {
					while (done.incrementAndGet() <= calls) {
						String name = GrpcCalls.who(channel, null);
						if (name == null) {
							failed.incrementAndGet();
						}
						else {
							answered.computeIfAbsent(name, (n) -> new AtomicInteger()).incrementAndGet();
						}
					}
				});
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> done.get() >= 1_000);
			killed.destroyForcibly();
			assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
			callers.shutdown();
			assertThat(callers.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			callers.shutdownNow();
		}
		assertThat(failed.get()).as("failed idempotent calls of %d (answers %s)", calls, answered).isZero();
		assertThat(answered.get("d")).as("the killed instance answered before it died").isNotNull();
		ended.get(30, TimeUnit.SECONDS);
		assertThat(streamEnd).hasSize(1);
		assertThat(streamEnd.get(0).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
		assertThat(streamEnd.get(0).getDescription()).isNotBlank();
	}

	@Test
	void tenThousandMessagesEachWayOnABidirectionalStreamArriveInOrder() throws Exception {
		Channel channel = channel(client(3));
		int messages = 10_000;
		List<String> received = new ArrayList<>(messages);
		CompletableFuture<Void> completed = new CompletableFuture<>();
		StreamObserver<StringValue> stream = ClientCalls.asyncBidiStreamingCall(
				GrpcCalls.keyed(channel, "stream-key")
					.newCall(Echo.CHAT, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS)),
				new StreamObserver<>() {

					@Override
					public void onNext(StringValue value) {
						synchronized (received) {
							received.add(value.getValue());
						}
					}

					@Override
					public void onError(Throwable error) {
						completed.completeExceptionally(error);
					}

					@Override
					public void onCompleted() {
						completed.complete(null);
					}

				});
		List<String> sent = new ArrayList<>(messages);
		for (int i = 0; i < messages; i++) {
			String message = "m-" + i;
			sent.add(message);
			stream.onNext(StringValue.of(message));
		}
		stream.onCompleted();
		completed.get(60, TimeUnit.SECONDS);
		synchronized (received) {
			assertThat(received).containsExactlyElementsOf(sent);
		}
	}

	private ConfigurableApplicationContext client(int instances, String... properties) {
		return client(SERVICE, instances, properties);
	}

	private ConfigurableApplicationContext client(String service, int instances, String... properties) {
		ConfigurableApplicationContext client = new SpringApplicationBuilder(ClientApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "phanes.discovery.mdns.address=127.0.0.1",
					"phanes.loadbalancer.hash.header=X-User-Id")
			.properties(properties)
			.run();
		this.clients.add(client);
		DiscoveryClient discovery = client.getBean(DiscoveryClient.class);
		// Generous: a child JVM's Spring Boot start on two busy cores is included.
		await().atMost(Duration.ofSeconds(90)).until(() -> discovery.getInstances(service).size() == instances);
		return client;
	}

	private Channel channel(ConfigurableApplicationContext client) {
		return channel(client, SERVICE);
	}

	private Channel channel(ConfigurableApplicationContext client, String service) {
		ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder("discovery:///" + service,
				InsecureChannelCredentials.create());
		client.getBean(GrpcDiscovery.class).configure(builder);
		ManagedChannel channel = builder.build();
		this.channels.add(channel);
		return channel;
	}

	private static int created() {
		return servers.values().stream().mapToInt((server) -> server.created.get()).sum();
	}

	private static double counter(ConfigurableApplicationContext client, String name) {
		return client.getBean(MeterRegistry.class)
			.find(name)
			.tag("service", SERVICE)
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	private Process startChild(String service, String name) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		File log = new File("target/grpc-peer-" + name + ".log");
		Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				GrpcPeerApplication.class.getName(), service, name)
			.redirectErrorStream(true)
			.redirectOutput(log)
			.start();
		this.processes.add(process);
		return process;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
	static class ClientApplication {

		@Bean
		@LoadBalanced
		WebClient.Builder loadBalanced() {
			return WebClient.builder();
		}

	}

}
