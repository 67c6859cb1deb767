package dev.phanes.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real HTTP through {@code @LoadBalanced} WebClient and RestClient with outlier ejection
 * after two failures in a row: the clients report each 503 to the
 * {@link OutlierEjectionLifecycle}, and once the instance is ejected the
 * {@link EjectingServiceInstanceListSupplier} keeps every later request off it, so it is
 * asked twice per service, not once in two requests.
 */
class OutlierEjectionHttpIT {

	private static final List<DisposableServer> servers = new ArrayList<>();

	private static final AtomicInteger healthy = new AtomicInteger();

	private static final AtomicInteger webClientBusy = new AtomicInteger();

	private static final AtomicInteger restClientBusy = new AtomicInteger();

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void startServersAndClient() {
		DisposableServer ok = server("ok", healthy, HttpStatus.OK);
		DisposableServer busyForWebClient = server("busy", webClientBusy, HttpStatus.SERVICE_UNAVAILABLE);
		DisposableServer busyForRestClient = server("busy", restClientBusy, HttpStatus.SERVICE_UNAVAILABLE);
		String simple = "spring.cloud.discovery.client.simple.instances.";
		context = new SpringApplicationBuilder(LoadBalancedHttpIT.ClientApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "phanes.loadbalancer.outlier.consecutive-failures=2",
					simple + "web[0].uri=http://127.0.0.1:" + ok.port(),
					simple + "web[1].uri=http://127.0.0.1:" + busyForWebClient.port(),
					simple + "rest[0].uri=http://127.0.0.1:" + ok.port(),
					simple + "rest[1].uri=http://127.0.0.1:" + busyForRestClient.port())
			.run();
	}

	@AfterAll
	static void stop() {
		context.close();
		servers.forEach(DisposableServer::disposeNow);
	}

	@Test
	void aWebClientAsksAnInstanceThatAnswered503TwiceNoMore() {
		WebClient client = context.getBean(WebClient.Builder.class).build();
		for (int i = 0; i < 100; i++) {
			assertThat(client.get()
				.uri("http://web/hello")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10))).isEqualTo("ok");
		}
		assertThat(webClientBusy.get()).as("asked twice, then ejected").isEqualTo(2);
		assertThat(ejections("web")).isEqualTo(1);
	}

	@Test
	void aRestClientAsksAnInstanceThatAnswered503TwiceNoMore() {
		RestClient client = context.getBean(RestClient.Builder.class).build();
		for (int i = 0; i < 100; i++) {
			assertThat(client.get().uri("http://rest/hello").retrieve().body(String.class)).isEqualTo("ok");
		}
		assertThat(restClientBusy.get()).as("asked twice, then ejected").isEqualTo(2);
		assertThat(ejections("rest")).isEqualTo(1);
	}

	private static double ejections(String service) {
		Counter counter = context.getBean(MeterRegistry.class)
			.find("phanes.loadbalancer.ejections")
			.tag("service", service)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static DisposableServer server(String name, AtomicInteger requests, HttpStatus status) {
		DisposableServer server = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> {
			requests.incrementAndGet();
			return response.status(status.value()).sendString(Mono.just(name));
		}).bindNow();
		servers.add(server);
		return server;
	}

}
