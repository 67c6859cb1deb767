package dev.phanes.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real HTTP through {@code @LoadBalanced} WebClient and RestClient to servers on
 * loopback: an instance that is down and one that answers 503 cost the caller nothing for
 * GET, because the request is retried on another instance; a POST is not retried.
 */
class LoadBalancedHttpIT {

	private static final List<DisposableServer> servers = new ArrayList<>();

	private static final AtomicInteger healthyA = new AtomicInteger();

	private static final AtomicInteger healthyB = new AtomicInteger();

	private static final AtomicInteger unavailable = new AtomicInteger();

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void startServersAndClient() {
		DisposableServer a = server("a", healthyA, HttpStatus.OK);
		DisposableServer b = server("b", healthyB, HttpStatus.OK);
		DisposableServer busy = server("busy", unavailable, HttpStatus.SERVICE_UNAVAILABLE);
		DisposableServer hung = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> Mono.never())
			.bindNow();
		servers.add(hung);
		DisposableServer dead = server("dead", new AtomicInteger(), HttpStatus.OK);
		int deadPort = dead.port();
		dead.disposeNow();
		String simple = "spring.cloud.discovery.client.simple.instances.";
		context = new SpringApplicationBuilder(ClientApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", simple + "inventory[0].uri=http://127.0.0.1:" + a.port(),
					simple + "inventory[1].uri=http://127.0.0.1:" + b.port(),
					simple + "inventory[2].uri=http://127.0.0.1:" + deadPort,
					simple + "flaky[0].uri=http://127.0.0.1:" + a.port(),
					simple + "flaky[1].uri=http://127.0.0.1:" + busy.port(),
					simple + "slow[0].uri=http://127.0.0.1:" + a.port(),
					simple + "steady[0].uri=http://127.0.0.1:" + a.port(),
					simple + "steady[1].uri=http://127.0.0.1:" + b.port(),
					simple + "slow[1].uri=http://127.0.0.1:" + hung.port(),
					"phanes.loadbalancer.response-timeout=300ms", "phanes.loadbalancer.outlier.base-ejection-time=0s")
			.run();
	}

	@AfterAll
	static void stop() {
		context.close();
		servers.forEach(DisposableServer::disposeNow);
	}

	@Test
	void webClientGetsSurviveADeadInstance() {
		WebClient client = context.getBean(WebClient.Builder.class).build();
		int failures = 0;
		for (int i = 0; i < 1_000; i++) {
			String body = client.get()
				.uri("http://inventory/hello")
				.retrieve()
				.bodyToMono(String.class)
				.onErrorResume((ex) -> Mono.just("failed"))
				.block(Duration.ofSeconds(10));
			failures += "failed".equals(body) ? 1 : 0;
		}
		assertThat(failures).isZero();
		assertThat(healthyA.get()).isPositive();
		assertThat(healthyB.get()).isPositive();
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		Timer success = meters.get("loadbalancer.requests.success")
			.tag("serviceId", "inventory")
			.timers()
			.iterator()
			.next();
		assertThat(success.getId().getTag("uri")).as("no raw path in tags").doesNotContain("/hello");
		assertThat(meters.get("loadbalancer.requests.failed").tag("serviceId", "inventory").timers()).isNotEmpty();
		double failedAttempts = meters.get("loadbalancer.requests.failed")
			.tag("serviceId", "inventory")
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
		assertThat(meters.get("phanes.loadbalancer.retries").tag("service", "inventory").counter().count())
			.as("one retry per failed attempt, not one per request")
			.isPositive()
			.isLessThanOrEqualTo(failedAttempts);
		assertThat(meters.find("phanes.loadbalancer.ejections").counter()).as("base-ejection-time=0s ejects nothing")
			.isNull();
		assertThat(meters.get("phanes.loadbalancer.ejected.instances").tag("service", "inventory").gauge()).isNotNull();
	}

	@Test
	void restClientGetsSurviveADeadInstance() {
		RestClient client = context.getBean(RestClient.Builder.class).build();
		int failures = 0;
		for (int i = 0; i < 1_000; i++) {
			try {
				client.get().uri("http://inventory/hello").retrieve().body(String.class);
			}
			catch (RuntimeException ex) {
				failures++;
			}
		}
		assertThat(failures).isZero();
	}

	@Test
	void requestsThatSucceedAtOnceAreNotCountedAsRetries() {
		WebClient webClient = context.getBean(WebClient.Builder.class).build();
		RestClient restClient = context.getBean(RestClient.Builder.class).build();
		for (int i = 0; i < 100; i++) {
			webClient.get()
				.uri("http://steady/hello")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10));
			restClient.get().uri("http://steady/hello").retrieve().body(String.class);
		}
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		assertThat(meters.find("phanes.loadbalancer.retries").tag("service", "steady").counter()).isNull();
	}

	@Test
	void aGetAnswered503IsRetriedOnAnotherInstance() {
		WebClient client = context.getBean(WebClient.Builder.class).build();
		int before = unavailable.get();
		for (int i = 0; i < 100; i++) {
			String body = client.get()
				.uri("http://flaky/hello")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10));
			assertThat(body).isEqualTo("a");
		}
		assertThat(unavailable.get()).as("the busy instance was tried and its 503 hidden").isGreaterThan(before);
	}

	@Test
	void anInstanceThatNeverAnswersTimesOutAndIsRetriedElsewhere() {
		WebClient client = context.getBean(WebClient.Builder.class).build();
		for (int i = 0; i < 20; i++) {
			String body = client.get()
				.uri("http://slow/hello")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10));
			assertThat(body).isEqualTo("a");
		}
	}

	@Test
	void anInstanceThatNeverAnswersTimesOutAndIsRetriedElsewhereWithRestClient() {
		RestClient client = context.getBean(RestClient.Builder.class).build();
		for (int i = 0; i < 20; i++) {
			assertThat(client.get().uri("http://slow/hello").retrieve().body(String.class)).isEqualTo("a");
		}
	}

	@Test
	void aPostIsNotRetried() {
		WebClient client = context.getBean(WebClient.Builder.class).build();
		int before = unavailable.get();
		HttpStatusCode seen = null;
		for (int i = 0; i < 100 && unavailable.get() == before; i++) {
			seen = client.post()
				.uri("http://flaky/hello")
				.exchangeToMono((response) -> Mono.just(response.statusCode()))
				.block(Duration.ofSeconds(10));
		}
		assertThat(unavailable.get()).isEqualTo(before + 1);
		assertThat(seen).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
	}

	private static DisposableServer server(String name, AtomicInteger requests, HttpStatus status) {
		DisposableServer server = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> {
			requests.incrementAndGet();
			return response.status(status.value()).sendString(Mono.just(name));
		}).bindNow();
		servers.add(server);
		return server;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
	static class ClientApplication {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		@LoadBalanced
		WebClient.Builder loadBalancedWebClientBuilder() {
			return WebClient.builder();
		}

		@Bean
		@LoadBalanced
		RestClient.Builder loadBalancedRestClientBuilder() {
			return RestClient.builder();
		}

	}

}
