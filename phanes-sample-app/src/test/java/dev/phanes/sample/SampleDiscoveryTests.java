package dev.phanes.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import dev.phanes.sample.model.InstanceInfo;
import dev.phanes.test.EtcdServer;
import dev.phanes.test.Prerequisites;
import org.junit.jupiter.api.AfterEach;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three sample-app instances on loopback: two of a service called {@code inventory-…},
 * and a caller whose {@code /peer} calls go to that service by name. Discovery finds the
 * instances; Phanes' balancer spreads users over them, keeps each user on one, and moves
 * the users of an instance that shuts down to the other without a failed call. The same
 * test runs on each discovery engine: Phanes' mDNS, Phanes' etcd registry on a real etcd,
 * and Spring Cloud Zookeeper on a real ZooKeeper server, with the balancer unchanged.
 */
class SampleDiscoveryTests {

	private static final int USERS = 40;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<AutoCloseable> engines = new ArrayList<>();

	@AfterEach
	void stop() throws Exception {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		for (AutoCloseable engine : this.engines) {
			engine.close();
		}
	}

	@ParameterizedTest
	@EnumSource(Engine.class)
	void callsAnotherServiceByNameOnTheInstancesDiscoveryFound(Engine engine) throws Exception {
		List<String> arguments = start(engine);
		String inventory = "inventory-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
		ConfigurableApplicationContext first = start(inventory, inventory, arguments);
		ConfigurableApplicationContext second = start(inventory, inventory, arguments);
		ConfigurableApplicationContext caller = start(inventory + "-caller", inventory, arguments);
		WebClient client = WebClient.create("http://127.0.0.1:" + port(caller));
		Set<String> discovered = Set.of(instanceId(first), instanceId(second));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(new HashSet<>(chosen(client).values())).isEqualTo(discovered));
		Map<String, String> chosen = chosen(client);
		assertThat(new HashSet<>(chosen.values())).isEqualTo(discovered);
		assertThat(chosen(client)).as("each user stays on one instance").isEqualTo(chosen);
		// Over gRPC (discovery:///<service>, the gRPC port each instance published), each
		// user reaches the instance it reaches over HTTP.
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(
					() -> assertThat(chosenOverGrpc(client)).as("the same instance over gRPC").isEqualTo(chosen));
		this.contexts.remove(first);
		first.close();
		Map<String, String> after = chosen(client);
		assertThat(new HashSet<>(after.values())).containsExactly(instanceId(second));
		chosen.forEach((user, instance) -> {
			if (instance.equals(instanceId(second))) {
				assertThat(after.get(user)).as("users of the remaining instance do not move").isEqualTo(instance);
			}
		});
	}

	/**
	 * Ask the caller, for each user, which inventory instance answered; every call must
	 * succeed.
	 */
	private static Map<String, String> chosen(WebClient client) {
		Map<String, String> chosen = new HashMap<>();
		for (int user = 0; user < USERS; user++) {
			InstanceInfo instance = client.get()
				.uri("/peer/instance")
				.header("X-User-Id", "user-" + user)
				.retrieve()
				.bodyToMono(InstanceInfo.class)
				.block(Duration.ofSeconds(10));
			chosen.put("user-" + user, instance.instanceId());
		}
		return chosen;
	}

	/**
	 * Ask the caller, for each user, which inventory instance answered over gRPC; a call
	 * that failed counts as no instance.
	 */
	private static Map<String, String> chosenOverGrpc(WebClient client) {
		Map<String, String> chosen = new HashMap<>();
		for (int user = 0; user < USERS; user++) {
			String instanceId;
			try {
				Map<?, ?> instance = client.get()
					.uri("/peer/rpc/instance")
					.header("X-User-Id", "user-" + user)
					.retrieve()
					.bodyToMono(Map.class)
					.block(Duration.ofSeconds(60));
				instanceId = String.valueOf(instance.get("instanceId"));
			}
			catch (RuntimeException ex) {
				instanceId = "failed: " + ex;
			}
			chosen.put("user-" + user, instanceId);
		}
		return chosen;
	}

	/**
	 * Start the discovery engine's server, if it has one.
	 * @return the arguments that point the sample at it
	 */
	private List<String> start(Engine engine) throws Exception {
		switch (engine) {
			case MDNS:
				return List.of();
			case ETCD:
				String etcd = EtcdServer.executable();
				Prerequisites.require(etcd != null,
						"the etcd program (/usr/bin/etcd or on the PATH; Debian package etcd-server)");
				EtcdServer server = new EtcdServer(etcd);
				this.engines.add(server);
				return List.of("--phanes.discovery.type=etcd", "--phanes.discovery.etcd.endpoints=" + server.endpoint(),
						"--phanes.discovery.etcd.hostname=127.0.0.1");
			default:
				TestingServer zookeeper = new TestingServer(true);
				this.engines.add(zookeeper);
				return List.of("--phanes.discovery.enabled=false", "--spring.cloud.zookeeper.enabled=true",
						"--spring.cloud.zookeeper.connect-string=" + zookeeper.getConnectString(),
						"--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1");
		}
	}

	private ConfigurableApplicationContext start(String name, String peerService, List<String> engine) {
		// arguments, not default properties, so that they win over application.yml
		List<String> arguments = new ArrayList<>(List.of("--spring.application.name=" + name,
				"--sample.peer-service=" + peerService, "--server.port=0", "--spring.main.banner-mode=off"));
		arguments.addAll(engine);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class,
				OwnNettyResources.class)
			.run(arguments.toArray(String[]::new));
		this.contexts.add(context);
		return context;
	}

	private static String instanceId(ConfigurableApplicationContext context) {
		return InstanceInfo.of(context.getBean(Registration.class)).instanceId();
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	/**
	 * The discovery engines the test runs on.
	 */
	enum Engine {

		MDNS, ETCD, ZOOKEEPER

	}

	/**
	 * Netty resources of each context's own: by default the contexts of one JVM share
	 * Reactor Netty's global ones, and closing one context would dispose them for all.
	 */
	@Configuration(proxyBeanMethods = false)
	static class OwnNettyResources {

		@Bean
		ReactorResourceFactory reactorResourceFactory() {
			ReactorResourceFactory factory = new ReactorResourceFactory();
			factory.setUseGlobalResources(false);
			return factory;
		}

	}

}
