package dev.phanes.discovery;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Whole applications on loopback discovering each other through the auto-configured
 * clients: registration when the web server starts, goodbye when shutdown begins, expiry
 * of a peer that was killed.
 */
class MdnsDiscoveryIT {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<Process> processes = new ArrayList<>();

	@AfterEach
	void stop() {
		this.processes.forEach(Process::destroyForcibly);
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void applicationsDiscoverEachOtherByServiceId() {
		String inventory = unique("inventory");
		String orders = unique("orders");
		ConfigurableApplicationContext first = start(inventory);
		ConfigurableApplicationContext second = start(inventory);
		ConfigurableApplicationContext caller = start(orders);
		DiscoveryClient discovery = caller.getBean(DiscoveryClient.class);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(discovery.getInstances(inventory)).extracting(ServiceInstance::getPort)
				.containsExactlyInAnyOrder(port(first), port(second)));
		assertThat(discovery.getInstances(inventory)).allSatisfy((instance) -> {
			assertThat(instance.getHost()).isEqualTo("127.0.0.1");
			assertThat(instance.getUri().toString()).startsWith("http://127.0.0.1:");
		});
		assertThat(discovery.getServices()).contains(inventory, orders);
		ReactiveDiscoveryClient reactive = caller.getBean(ReactiveDiscoveryClient.class);
		assertThat(reactive.getInstances(inventory).collectList().block(Duration.ofSeconds(5)))
			.extracting(ServiceInstance::getPort)
			.containsExactlyInAnyOrder(port(first), port(second));
		String answer = WebClient.create()
			.get()
			.uri(discovery.getInstances(inventory).get(0).getUri().resolve("/hello"))
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(5));
		assertThat(answer).isEqualTo("hello");
	}

	@Test
	void goodbyeGoesOutBeforeTheWebServerDrains() throws Exception {
		String inventory = unique("inventory");
		ConfigurableApplicationContext leaving = start(inventory);
		ConfigurableApplicationContext caller = start(unique("orders"));
		DiscoveryClient discovery = caller.getBean(DiscoveryClient.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances(inventory).size() == 1);
		AtomicLong answered = new AtomicLong();
		CompletableFuture<String> inFlight = WebClient.create("http://127.0.0.1:" + port(leaving))
			.get()
			.uri("/slow")
			.retrieve()
			.bodyToMono(String.class)
			.doOnNext((body) -> answered.set(System.nanoTime()))
			.toFuture();
		Thread.sleep(300);
		this.contexts.remove(leaving);
		Thread closer = new Thread(leaving::close);
		closer.start();
		await().atMost(MdnsPeerApplication.SLOW).until(() -> discovery.getInstances(inventory).isEmpty());
		long gone = System.nanoTime();
		assertThat(inFlight.get()).isEqualTo("slow");
		assertThat(gone).isLessThan(answered.get());
		closer.join(10_000);
		assertThat(closer.isAlive()).isFalse();
	}

	/**
	 * The listener stays open for the configured delay after the goodbye, so a request
	 * sent by a peer that has not yet dropped the instance is still answered: when the
	 * peer's view has dropped it (within a sweep of the goodbye), a new request to the
	 * leaving instance is answered too. The delay (10 s) is a hundred sweeps, twice the
	 * wait for the view.
	 */
	@Test
	void webServerKeepsAnsweringUntilTheShutdownDelayAfterTheGoodbyeIsOver() throws Exception {
		String inventory = unique("inventory");
		ConfigurableApplicationContext leaving = start(inventory, "phanes.discovery.mdns.shutdown-delay=10s");
		ConfigurableApplicationContext caller = start(unique("orders"));
		DiscoveryClient discovery = caller.getBean(DiscoveryClient.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances(inventory).size() == 1);
		this.contexts.remove(leaving);
		Thread closer = new Thread(leaving::close);
		closer.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances(inventory).isEmpty());
		String answer = WebClient.create("http://127.0.0.1:" + port(leaving))
			.get()
			.uri("/hello")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(5));
		assertThat(answer).isEqualTo("hello");
		closer.join(20_000);
		assertThat(closer.isAlive()).isFalse();
	}

	@Test
	void killedPeerExpiresAfterItsTtl() throws Exception {
		String inventory = unique("inventory");
		ConfigurableApplicationContext caller = start(unique("orders"));
		DiscoveryClient discovery = caller.getBean(DiscoveryClient.class);
		Process peer = startChild(inventory, 4);
		await().atMost(Duration.ofSeconds(60)).until(() -> discovery.getInstances(inventory).size() == 1);
		peer.destroyForcibly().waitFor();
		long killed = System.nanoTime();
		await().atMost(Duration.ofSeconds(8)).until(() -> discovery.getInstances(inventory).isEmpty());
		Duration expiry = Duration.ofNanos(System.nanoTime() - killed);
		// no goodbye was sent: the records lapsed (TTL 4 s, renewed every 2 s)
		assertThat(expiry).isBetween(Duration.ofMillis(500), Duration.ofSeconds(6));
	}

	@Test
	void autoRegistrationCanBeOffWhileDiscoveryWorks() {
		String quiet = unique("quiet");
		String orders = unique("orders");
		ConfigurableApplicationContext silent = start(quiet,
				"spring.cloud.service-registry.auto-registration.enabled=false");
		ConfigurableApplicationContext caller = start(orders);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> silent.getBean(DiscoveryClient.class).getInstances(orders).size() == 1);
		assertThat(caller.getBean(DiscoveryClient.class).getInstances(quiet)).isEmpty();
	}

	@Test
	void closingLeavesNoEngineThreads() {
		ConfigurableApplicationContext context = start(unique("inventory"));
		// JmDNS names its timer threads after the engine's host label
		String hostName = context.getBean(MdnsTransport.class).hostName().replace(".local.", "");
		assertThat(threadsNamed(hostName)).isNotEmpty();
		this.contexts.remove(context);
		context.close();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(threadsNamed(hostName)).isEmpty());
	}

	private static List<String> threadsNamed(String part) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.contains(part))
			.toList();
	}

	private ConfigurableApplicationContext start(String serviceId, String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(MdnsPeerApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties("spring.application.name=" + serviceId, "server.port=0", "server.shutdown=graceful",
					"phanes.discovery.mdns.address=127.0.0.1", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	private Process startChild(String serviceId, int ttlSeconds) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-Dnet.dns.ttl=" + ttlSeconds, "-cp",
				System.getProperty("java.class.path"), MdnsPeerApplication.class.getName(),
				"--spring.application.name=" + serviceId, "--server.port=0",
				"--phanes.discovery.mdns.address=127.0.0.1", "--spring.main.banner-mode=off")
			.redirectErrorStream(true)
			.redirectOutput(new File("target/mdns-killed-peer.log"))
			.start();
		this.processes.add(process);
		return process;
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	private static String unique(String prefix) {
		return prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
	}

}
