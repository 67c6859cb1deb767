package dev.phanes.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import dev.phanes.test.EtcdExtension;
import dev.phanes.test.EtcdServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway over etcd discovery (Phanes' registry in go-micro's layout) instead of
 * mDNS: backends registered in a real etcd are routed to, a key sticks, the query goes on
 * as written, an unknown service is a 404, a backend taken out of etcd stops being routed
 * to and a new one starts being routed to, both within the bound discovery gives.
 */
@ExtendWith(EtcdExtension.class)
class GatewayEtcdIT {

	/**
	 * Longest wait for the gateway to see a registration change: the view watches etcd,
	 * so a change arrives at once; the rest is margin for two busy cores.
	 */
	private static final Duration DISCOVERY_BOUND = Duration.ofSeconds(30);

	private final HttpClient http = HttpClient.newHttpClient();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final String service = "backend-etcd-"
			+ Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void routesToTheInstancesEtcdKnowsAndFollowsItsChanges(EtcdServer etcd) throws Exception {
		ConfigurableApplicationContext a = backend(etcd, "a");
		backend(etcd, "b");
		ConfigurableApplicationContext gateway = start(new SpringApplicationBuilder(GatewayEdgeTests.Gateway.class)
			.properties(etcd(etcd, "spring.application.name=gateway-etcd-test", "server.port=0",
					"server.address=127.0.0.1", "spring.cloud.service-registry.auto-registration.enabled=false",
					"phanes.loadbalancer.hash.header=X-User-Id")));
		int port = gateway.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		await().atMost(DISCOVERY_BOUND)
			.untilAsserted(() -> assertThat(answers(port, 40, null)).containsOnlyKeys("a", "b"));
		for (int i = 0; i < 10; i++) {
			Map<String, Integer> keyed = answers(port, 3, "user-" + i);
			assertThat(keyed).as("instances that answered user-%d", i).hasSize(1);
		}
		HttpResponse<String> queried = get(port, "/" + this.service + "/who?padding=abc==&filter[a]=1&name=%C3%A9",
				null);
		assertThat(queried.statusCode()).isEqualTo(200);
		assertThat(queried.body()).endsWith(" padding=abc==&filter[a]=1&name=%C3%A9");
		assertThat(get(port, "/no-such-" + this.service + "/who", null).statusCode()).isEqualTo(404);
		// Taken out of etcd, though still running (closing an application in this JVM
		// would stop Reactor Netty's shared resources under the others): the gateway
		// follows discovery, not the process.
		deregister(a);
		await().atMost(DISCOVERY_BOUND).untilAsserted(() -> assertThat(answers(port, 20, null)).containsOnlyKeys("b"));
		backend(etcd, "c");
		await().atMost(DISCOVERY_BOUND)
			.untilAsserted(() -> assertThat(answers(port, 40, null)).containsOnlyKeys("b", "c"));
	}

	private Map<String, Integer> answers(int port, int requests, @Nullable String key) throws Exception {
		Map<String, Integer> answered = new HashMap<>();
		for (int i = 0; i < requests; i++) {
			HttpResponse<String> response = get(port, "/" + this.service + "/who", key);
			assertThat(response.statusCode()).as("status through the gateway: %s", response.body()).isEqualTo(200);
			answered.merge(response.body().split(" ")[0], 1, Integer::sum);
		}
		return answered;
	}

	private HttpResponse<String> get(int port, String path, @Nullable String key) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
		if (key != null) {
			request.header("X-User-Id", key);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static void deregister(ConfigurableApplicationContext backend) {
		ServiceRegistry registry = backend.getBean(ServiceRegistry.class);
		registry.deregister(backend.getBean(Registration.class));
	}

	private ConfigurableApplicationContext backend(EtcdServer etcd, String name) {
		return start(new SpringApplicationBuilder(Backend.class)
			.properties(etcd(etcd, "spring.application.name=" + this.service, "phanes.test.name=" + name,
					"server.port=0", "server.address=127.0.0.1", "phanes.gateway.enabled=false",
					"spring.cloud.gateway.server.webflux.enabled=false")));
	}

	private ConfigurableApplicationContext start(SpringApplicationBuilder builder) {
		ConfigurableApplicationContext context = builder.run();
		this.contexts.add(context);
		return context;
	}

	private static String[] etcd(EtcdServer etcd, String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.main.banner-mode=off",
				"spring.main.web-application-type=reactive", "phanes.discovery.type=etcd",
				"phanes.discovery.etcd.endpoints=" + etcd.endpoint(), "phanes.discovery.etcd.hostname=127.0.0.1",
				"phanes.discovery.mdns.address=127.0.0.1", "spring.config.name=gateway-etcd-it"));
		all.addAll(List.of(properties));
		return all.toArray(String[]::new);
	}

	/**
	 * A backend answering {@code GET /who} with its name and the raw query it got.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
	static class Backend {

		@Bean
		RouterFunction<ServerResponse> who(Environment environment) {
			String name = environment.getRequiredProperty("phanes.test.name");
			return RouterFunctions.route()
				.GET("/who",
						(request) -> ServerResponse.ok()
							.bodyValue(name + " " + String.valueOf(request.uri().getRawQuery())))
				.build();
		}

	}

}
