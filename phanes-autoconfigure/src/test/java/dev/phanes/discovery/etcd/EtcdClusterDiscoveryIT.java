package dev.phanes.discovery.etcd;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.phanes.discovery.MdnsPeerApplication;
import dev.phanes.test.Commands;
import dev.phanes.test.EtcdCluster;
import dev.phanes.test.EtcdServer;
import dev.phanes.test.LineProcess;
import dev.phanes.test.Prerequisites;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Discovery over a three-member etcd cluster on loopback, with instances in separate
 * JVMs: the leader killed, the whole cluster away for 20 s, an instance killed,
 * terminated, and paused past its lease. Bounds are configured values with wide margins:
 * the lease TTL of each test and etcd's election timeout (1 s).
 */
class EtcdClusterDiscoveryIT {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static EtcdCluster cluster;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<Process> processes = new ArrayList<>();

	@BeforeAll
	static void startCluster() {
		String executable = EtcdServer.executable();
		if (executable != null) {
			cluster = new EtcdCluster(executable);
		}
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@BeforeEach
	void requireEtcd() {
		Prerequisites.require(cluster != null,
				"the etcd program (/usr/bin/etcd or on the PATH; Debian package etcd-server)");
	}

	@AfterEach
	void stop() {
		this.processes.forEach(Process::destroyForcibly);
		this.contexts.forEach(ConfigurableApplicationContext::close);
		cluster.startAll();
	}

	@Test
	void registrationsAndViewsSurviveTheLeadersDeathAndNewOnesLand() throws Exception {
		String inventory = unique("inventory");
		DiscoveryClient discovery = start(unique("orders")).getBean(DiscoveryClient.class);
		for (int i = 0; i < 3; i++) {
			startChild(inventory, "15s");
		}
		await().atMost(WAIT).until(() -> discovery.getInstances(inventory).size() == 3);
		List<String> before = ids(discovery.getInstances(inventory));
		int leader = cluster.leader();
		cluster.kill(leader);
		int survivor = (leader + 1) % 3;
		// A new registration lands once the others have elected a leader (election
		// timeout 1 s).
		ConfigurableApplicationContext late = start(inventory);
		await().atMost(WAIT).until(() -> discovery.getInstances(inventory).size() == 4);
		assertThat(ids(discovery.getInstances(inventory))).containsAll(before)
			.contains(late.getBean(EtcdRegistration.class).getInstanceId());
		// Past the lease TTL of the first three, their keys are still there: their
		// keep-alives reached the new leader.
		Thread.sleep(Duration.ofSeconds(20).toMillis());
		assertThat(keys(cluster.endpoint(survivor), inventory)).hasSize(4);
		assertThat(discovery.getInstances(inventory)).hasSize(4);
		cluster.start(leader);
		await().atMost(WAIT).until(() -> cluster.isHealthy(leader));
		assertThat(keys(cluster.endpoint(leader), inventory)).hasSize(4);
	}

	@Test
	void aWholeClusterOutageKeepsTheViewsAndEverythingComesBack() throws Exception {
		String inventory = unique("inventory");
		ConfigurableApplicationContext caller = start(unique("orders"));
		DiscoveryClient discovery = caller.getBean(DiscoveryClient.class);
		EtcdDiscoveryHealthIndicator health = caller.getBean(EtcdDiscoveryHealthIndicator.class);
		startChild(inventory, "15s");
		startChild(inventory, "15s");
		await().atMost(WAIT).until(() -> discovery.getInstances(inventory).size() == 2);
		await().atMost(WAIT).until(() -> health.health(true).getStatus().equals(Status.UP));
		List<String> before = ids(discovery.getInstances(inventory));
		cluster.killAll();
		long down = System.nanoTime();
		await().atMost(WAIT).until(() -> health.health(true).getStatus().equals(Status.DOWN));
		while (System.nanoTime() - down < Duration.ofSeconds(20).toNanos()) {
			assertThat(ids(discovery.getInstances(inventory))).isEqualTo(before);
			Thread.sleep(500);
		}
		cluster.startAll();
		await().atMost(WAIT).until(() -> health.health(true).getStatus().equals(Status.UP));
		await().atMost(WAIT).until(() -> keys(cluster.endpoint(0), inventory).size() == 2);
		ConfigurableApplicationContext after = start(inventory);
		await().atMost(WAIT).until(() -> discovery.getInstances(inventory).size() == 3);
		assertThat(ids(discovery.getInstances(inventory))).containsAll(before)
			.contains(after.getBean(EtcdRegistration.class).getInstanceId());
	}

	@Test
	void aKilledInstanceLeavesWithinItsTtlAndATerminatedOneAtOnce() throws Exception {
		String inventory = unique("inventory");
		DiscoveryClient discovery = start(unique("orders")).getBean(DiscoveryClient.class);
		Process killed = startChild(inventory, "4s");
		await().atMost(WAIT).until(() -> discovery.getInstances(inventory).size() == 1);
		killed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		// no deletion: the 4 s lease lapses (etcd checks expiry every 500 ms)
		await().atMost(Duration.ofSeconds(30)).until(() -> discovery.getInstances(inventory).isEmpty());
		// a 60 s lease: only the deletion at shutdown takes it out within the bound
		Process terminated = startChild(inventory, "60s");
		await().atMost(WAIT).until(() -> discovery.getInstances(inventory).size() == 1);
		terminated.destroy();
		await().atMost(Duration.ofSeconds(20)).until(() -> discovery.getInstances(inventory).isEmpty());
		assertThat(terminated.waitFor(30, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void anInstancePausedPastItsLeaseRegistersAgainWhenItResumes() throws Exception {
		String inventory = unique("inventory");
		DiscoveryClient discovery = start(unique("orders")).getBean(DiscoveryClient.class);
		Process paused = startChild(inventory, "3s");
		await().atMost(WAIT).until(() -> discovery.getInstances(inventory).size() == 1);
		long lease = keys(cluster.endpoint(0), inventory).get(0).getLease();
		String pid = Long.toString(paused.pid());
		Commands.check(Duration.ofSeconds(10), List.of("kill", "-STOP", pid));
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> discovery.getInstances(inventory).isEmpty());
		}
		finally {
			Commands.check(Duration.ofSeconds(10), List.of("kill", "-CONT", pid));
		}
		await().atMost(WAIT).until(() -> discovery.getInstances(inventory).size() == 1);
		assertThat(keys(cluster.endpoint(0), inventory)).singleElement()
			.satisfies((key) -> assertThat(key.getLease()).isNotEqualTo(lease));
		Path log = LineProcess.buildDirectory().resolve("process-logs").resolve("etcd-child-" + pid + ".log");
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(Files.readString(log)).contains("was lost").contains("registering again"));
	}

	private ConfigurableApplicationContext start(String serviceId) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(MdnsPeerApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties(properties(serviceId, "15s"))
			.run();
		this.contexts.add(context);
		return context;
	}

	private Process startChild(String serviceId, String ttl) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(
				List.of(java, "-cp", System.getProperty("java.class.path"), MdnsPeerApplication.class.getName()));
		properties(serviceId, ttl).forEach((name, value) -> command.add("--" + name + "=" + value));
		Path logs = Files.createDirectories(LineProcess.buildDirectory().resolve("process-logs"));
		File log = Files.createTempFile(logs, "etcd-child-", ".log").toFile();
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
		File named = logs.resolve("etcd-child-" + process.pid() + ".log").toFile();
		if (!log.renameTo(named)) {
			throw new IllegalStateException("Cannot name the log " + named);
		}
		this.processes.add(process);
		return process;
	}

	private static Map<String, Object> properties(String serviceId, String ttl) {
		return Map.ofEntries(Map.entry("spring.application.name", serviceId), Map.entry("server.port", "0"),
				Map.entry("server.shutdown", "graceful"), Map.entry("phanes.discovery.type", "etcd"),
				Map.entry("phanes.discovery.etcd.endpoints", cluster.endpoints()),
				Map.entry("phanes.discovery.etcd.hostname", "127.0.0.1"), Map.entry("phanes.discovery.etcd.ttl", ttl),
				Map.entry("phanes.discovery.etcd.request-timeout", "2s"),
				Map.entry("phanes.discovery.etcd.retry-interval", "200ms"),
				Map.entry("phanes.discovery.etcd.shutdown-delay", "0s"),
				Map.entry("phanes.discovery.mdns.address", "127.0.0.1"), Map.entry("spring.main.banner-mode", "off"));
	}

	private static List<KeyValue> keys(String endpoint, String serviceId) throws Exception {
		try (Client client = Client.builder().endpoints(endpoint).build()) {
			return client.getKVClient()
				.get(ByteSequence.from("/micro/registry/" + serviceId + "/", StandardCharsets.UTF_8),
						GetOption.builder().isPrefix(true).build())
				.get(10, TimeUnit.SECONDS)
				.getKvs();
		}
	}

	private static List<String> ids(List<ServiceInstance> instances) {
		return instances.stream().map(ServiceInstance::getInstanceId).sorted().collect(Collectors.toList());
	}

	private static String unique(String prefix) {
		return prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
	}

}
