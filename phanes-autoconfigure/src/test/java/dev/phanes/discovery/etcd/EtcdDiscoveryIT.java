package dev.phanes.discovery.etcd;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.phanes.discovery.MdnsPeerApplication;
import dev.phanes.test.EtcdExtension;
import dev.phanes.test.EtcdServer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Whole applications on loopback discovering each other through an etcd registry started
 * by the test: registration when the web server starts, deletion when shutdown begins,
 * expiry of a killed peer after its lease, a lost lease replaced, an outage survived, and
 * go-micro's documents both ways.
 */
@ExtendWith(EtcdExtension.class)
class EtcdDiscoveryIT {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<Process> processes = new ArrayList<>();

	@AfterEach
	void stop() {
		this.processes.forEach(Process::destroyForcibly);
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void applicationsDiscoverEachOtherAndCallByWhatTheyFound(EtcdServer etcd) throws Exception {
		String inventory = unique("inventory");
		String orders = unique("orders");
		ConfigurableApplicationContext first = start(etcd, inventory);
		ConfigurableApplicationContext second = start(etcd, inventory);
		ConfigurableApplicationContext caller = start(etcd, orders);
		DiscoveryClient discovery = caller.getBean(DiscoveryClient.class);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(discovery.getInstances(inventory)).extracting(ServiceInstance::getPort)
				.containsExactlyInAnyOrder(port(first), port(second)));
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
	void writesGoMicroDocumentsAndReadsAGoMicroServicesOwn(EtcdServer etcd) throws Exception {
		String inventory = unique("inventory");
		ConfigurableApplicationContext app = start(etcd, inventory);
		EtcdRegistration registration = app.getBean(EtcdRegistration.class);
		List<KeyValue> keys = get(etcd, "/micro/registry/" + inventory + "/");
		assertThat(keys).hasSize(1);
		assertThat(string(keys.get(0).getKey()))
			.isEqualTo("/micro/registry/" + inventory + "/" + registration.getInstanceId());
		assertThat(keys.get(0).getLease()).isNotZero();
		JsonNode document = JsonMapper.shared().readTree(keys.get(0).getValue().getBytes());
		assertThat(document.get("name").asString()).isEqualTo(inventory);
		assertThat(document.get("nodes").get(0).get("address").asString()).isEqualTo("127.0.0.1:" + port(app));
		// A go-micro greeter registers itself as go-micro v5 writes it.
		String greeter = unique("greeter");
		etcd.put("/micro/registry/" + greeter + "/" + greeter + "-1234", """
				{"name":"%s","version":"latest","metadata":null,"endpoints":[],"nodes":[{"metadata":\
				{"broker":"http","protocol":"mucp","registry":"etcd","server":"mucp","transport":"http"},\
				"id":"%s-1234","address":"127.0.0.1:18080"}]}""".formatted(greeter, greeter));
		DiscoveryClient discovery = app.getBean(DiscoveryClient.class);
		await().atMost(WAIT).until(() -> discovery.getInstances(greeter).size() == 1);
		ServiceInstance instance = discovery.getInstances(greeter).get(0);
		assertThat(instance.getInstanceId()).isEqualTo(greeter + "-1234");
		assertThat(instance.getPort()).isEqualTo(18080);
		assertThat(instance.getMetadata()).containsEntry("protocol", "mucp");
		etcd.delete("/micro/registry/" + greeter + "/" + greeter + "-1234");
		await().atMost(WAIT).until(() -> discovery.getInstances(greeter).isEmpty());
	}

	/**
	 * The lease (30 s) outlives the wait, and a request is in flight while the
	 * application stops: the key leaves the registry, and the peer's view, before that
	 * request is answered, so before the web server's graceful drain ends.
	 */
	@Test
	void aStoppingApplicationDeletesItsKeyBeforeItsWebServerDrains(EtcdServer etcd) throws Exception {
		String inventory = unique("inventory");
		ConfigurableApplicationContext leaving = start(etcd, inventory, "phanes.discovery.etcd.ttl=30s");
		ConfigurableApplicationContext caller = start(etcd, unique("orders"));
		DiscoveryClient discovery = caller.getBean(DiscoveryClient.class);
		await().atMost(WAIT).until(() -> discovery.getInstances(inventory).size() == 1);
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
		assertThat(get(etcd, "/micro/registry/" + inventory + "/")).isEmpty();
		assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("slow");
		assertThat(gone).isLessThan(answered.get());
		closer.join(20_000);
		assertThat(closer.isAlive()).isFalse();
	}

	@Test
	void aKeyDeletedWhileItsInstanceRunsIsWrittenAgain(EtcdServer etcd) throws Exception {
		String inventory = unique("inventory");
		ConfigurableApplicationContext app = start(etcd, inventory, "phanes.discovery.etcd.ttl=30s");
		EtcdRegistrar registrar = app.getBean(EtcdRegistrar.class);
		String key = string(get(etcd, "/micro/registry/" + inventory + "/").get(0).getKey());
		etcd.delete(key);
		await().atMost(WAIT).until(() -> registrar.reregistrations() == 1);
		await().atMost(WAIT).until(() -> get(etcd, "/micro/registry/" + inventory + "/").size() == 1);
		await().atMost(WAIT).until(() -> app.getBean(DiscoveryClient.class).getInstances(inventory).size() == 1);
	}

	@Test
	void aKilledPeerLeavesTheViewWhenItsLeaseExpires(EtcdServer etcd) throws Exception {
		String inventory = unique("inventory");
		ConfigurableApplicationContext caller = start(etcd, unique("orders"));
		DiscoveryClient discovery = caller.getBean(DiscoveryClient.class);
		Process peer = startChild(etcd, inventory, "3s");
		await().atMost(Duration.ofSeconds(60)).until(() -> discovery.getInstances(inventory).size() == 1);
		peer.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		// no deletion was sent: the lease (3 s) lapsed; etcd checks leases every 500 ms
		await().atMost(WAIT).until(() -> discovery.getInstances(inventory).isEmpty());
		assertThat(get(etcd, "/micro/registry/" + inventory + "/")).isEmpty();
	}

	@Test
	void aLostLeaseIsReplacedAtOnceAndCounted(EtcdServer etcd) throws Exception {
		String inventory = unique("inventory");
		ConfigurableApplicationContext app = start(etcd, inventory, "phanes.discovery.etcd.ttl=30s");
		EtcdRegistrar registrar = app.getBean(EtcdRegistrar.class);
		long lease = get(etcd, "/micro/registry/" + inventory + "/").get(0).getLease();
		etcd.client().getLeaseClient().revoke(lease).get(10, TimeUnit.SECONDS);
		await().atMost(WAIT).until(() -> registrar.reregistrations() == 1);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(get(etcd, "/micro/registry/" + inventory + "/")).singleElement()
				.satisfies((key) -> assertThat(key.getLease()).isNotZero().isNotEqualTo(lease)));
		await().atMost(WAIT).until(() -> app.getBean(DiscoveryClient.class).getInstances(inventory).size() == 1);
	}

	@Test
	void theViewOutlivesAnOutageAndRegistrationsComeBackByThemselves(EtcdServer etcd) throws Exception {
		String inventory = unique("inventory");
		ConfigurableApplicationContext first = start(etcd, inventory);
		ConfigurableApplicationContext caller = start(etcd, unique("orders"));
		DiscoveryClient discovery = caller.getBean(DiscoveryClient.class);
		EtcdDiscoveryHealthIndicator health = caller.getBean(EtcdDiscoveryHealthIndicator.class);
		await().atMost(WAIT).until(() -> discovery.getInstances(inventory).size() == 1);
		await().atMost(WAIT).until(() -> health.health(true).getStatus().equals(Status.UP));
		etcd.stop();
		try {
			await().atMost(WAIT).until(() -> health.health(true).getStatus().equals(Status.DOWN));
			assertThat(discovery.getInstances(inventory)).extracting(ServiceInstance::getPort)
				.containsExactly(port(first));
		}
		finally {
			etcd.start();
		}
		ConfigurableApplicationContext second = start(etcd, inventory);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(discovery.getInstances(inventory)).extracting(ServiceInstance::getPort)
				.containsExactlyInAnyOrder(port(first), port(second)));
		await().atMost(WAIT).until(() -> health.health(true).getStatus().equals(Status.UP));
	}

	@Test
	void badDocumentsAreIgnoredAndCounted(EtcdServer etcd) throws Exception {
		String inventory = unique("inventory");
		ConfigurableApplicationContext app = start(etcd, inventory, "phanes.discovery.etcd.max-document-size=1KB");
		DiscoveryClient discovery = app.getBean(DiscoveryClient.class);
		EtcdView view = app.getBean(EtcdView.class);
		String odd = unique("odd");
		etcd.put("/micro/registry/" + odd + "/n1", "{not json");
		etcd.put("/micro/registry/" + odd + "/n2",
				"{\"name\":\"" + odd
						+ "\",\"nodes\":[{\"id\":\"n2\",\"address\":\"127.0.0.1:1\",\"metadata\":{\"pad\":\""
						+ "x".repeat(2000) + "\"}}]}");
		etcd.put("/micro/registry/" + odd + "/n3",
				"{\"name\":\"someone-else\",\"nodes\":[{\"id\":\"n3\",\"address\":\"127.0.0.1:3\"}]}");
		etcd.put("/micro/registry/" + odd + "/\u0007",
				"{\"name\":\"" + odd + "\",\"nodes\":[{\"id\":\"\\u0007\",\"address\":\"127.0.0.1:4\"}]}");
		etcd.put("/micro/registry/" + odd + "/n5",
				"{\"name\":\"" + odd + "\",\"nodes\":[{\"id\":\"n5\",\"address\":\"127.0.0.1:5\"}]}");
		await().atMost(WAIT).until(() -> discovery.getInstances(odd).size() == 1);
		assertThat(discovery.getInstances(odd).get(0).getInstanceId()).isEqualTo("n5");
		assertThat(view.rejected()).isEqualTo(4);
		assertThat(discovery.getInstances(inventory)).hasSize(1);
		etcd.deletePrefix("/micro/registry/" + odd + "/");
	}

	private ConfigurableApplicationContext start(EtcdServer etcd, String serviceId, String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(MdnsPeerApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties("spring.application.name=" + serviceId, "server.port=0", "server.shutdown=graceful",
					"phanes.discovery.type=etcd", "phanes.discovery.etcd.endpoints=" + etcd.endpoint(),
					"phanes.discovery.etcd.hostname=127.0.0.1", "phanes.discovery.etcd.request-timeout=1s",
					"phanes.discovery.etcd.retry-interval=200ms", "phanes.discovery.etcd.shutdown-delay=0s",
					"phanes.discovery.mdns.address=127.0.0.1", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	private Process startChild(EtcdServer etcd, String serviceId, String ttl) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				MdnsPeerApplication.class.getName(), "--spring.application.name=" + serviceId, "--server.port=0",
				"--phanes.discovery.type=etcd", "--phanes.discovery.etcd.endpoints=" + etcd.endpoint(),
				"--phanes.discovery.etcd.hostname=127.0.0.1", "--phanes.discovery.etcd.ttl=" + ttl,
				"--phanes.discovery.mdns.address=127.0.0.1", "--spring.main.banner-mode=off")
			.redirectErrorStream(true)
			.redirectOutput(new File("target/etcd-killed-peer.log"))
			.start();
		this.processes.add(process);
		return process;
	}

	private static List<KeyValue> get(EtcdServer etcd, String prefix) throws Exception {
		return etcd.client()
			.getKVClient()
			.get(ByteSequence.from(prefix, StandardCharsets.UTF_8), GetOption.builder().isPrefix(true).build())
			.get(10, TimeUnit.SECONDS)
			.getKvs();
	}

	private static String string(ByteSequence bytes) {
		return bytes.toString(StandardCharsets.UTF_8);
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	private static String unique(String prefix) {
		return prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
	}

}
