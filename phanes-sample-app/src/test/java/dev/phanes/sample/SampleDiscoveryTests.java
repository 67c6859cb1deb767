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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
 * and a caller whose {@code /peer} calls go to that service by name. mDNS discovery finds
 * the instances; Phanes' balancer spreads users over them, keeps each user on one, and
 * moves the users of an instance that shuts down to the other without a failed call.
 */
class SampleDiscoveryTests {

	private static final int USERS = 40;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void stop() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void callsAnotherServiceByNameOnTheInstancesDiscoveryFound() {
		String inventory = "inventory-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
		ConfigurableApplicationContext first = start(inventory, inventory);
		ConfigurableApplicationContext second = start(inventory, inventory);
		ConfigurableApplicationContext caller = start(inventory + "-caller", inventory);
		WebClient client = WebClient.create("http://127.0.0.1:" + port(caller));
		Set<String> discovered = Set.of(instanceId(first), instanceId(second));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(new HashSet<>(chosen(client).values())).isEqualTo(discovered));
		Map<String, String> chosen = chosen(client);
		assertThat(new HashSet<>(chosen.values())).isEqualTo(discovered);
		assertThat(chosen(client)).as("each user stays on one instance").isEqualTo(chosen);
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

	private ConfigurableApplicationContext start(String name, String peerService) {
		// arguments, not default properties, so that they win over application.yml
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class,
				OwnNettyResources.class)
			.run("--spring.application.name=" + name, "--sample.peer-service=" + peerService, "--server.port=0",
					"--spring.main.banner-mode=off");
		this.contexts.add(context);
		return context;
	}

	private static String instanceId(ConfigurableApplicationContext context) {
		return context.getBean(Registration.class).getInstanceId();
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
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
