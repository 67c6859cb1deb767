package dev.phanes.collector;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code logs} and {@code traces} endpoints and the log stream of a running WebFlux
 * application, over HTTP.
 */
class CollectorEndpointsTests {

	private static ConfigurableApplicationContext context;

	private static WebTestClient client;

	private static String baseUrl;

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(EndpointsApplication.class).run("--server.port=0",
				"--server.address=127.0.0.1", "--spring.main.banner-mode=off", "--phanes.discovery.enabled=false",
				"--management.endpoints.web.exposure.include=logs,traces",
				"--management.tracing.sampling.probability=1.0");
		baseUrl = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
		client = WebTestClient.bindToServer().baseUrl(baseUrl).responseTimeout(Duration.ofSeconds(10)).build();
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	@Test
	@SuppressWarnings("unchecked")
	void readsTheLogsFilteredByLevelAndLogger() {
		LoggerFactory.getLogger("dev.phanes.collector.endpoint").warn("a warning to read back");
		LoggerFactory.getLogger("dev.phanes.collector.endpoint").debug("below the level asked for");
		client.get()
			.uri("/actuator/logs?level=warn&logger=dev.phanes.collector")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.events[*].message")
			.value((messages) -> assertThat((List<Object>) messages).contains("a warning to read back")
				.doesNotContain("below the level asked for"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "level=LOUD", "traceId=not-a-trace", "since=yesterday", "limit=0", "limit=many" })
	void rejectsABadLogFilterWith400(String query) {
		client.get().uri("/actuator/logs?" + query).exchange().expectStatus().isBadRequest();
	}

	@Test
	void rejectsABadTraceIdWith400() {
		client.get().uri("/actuator/traces/xyz").exchange().expectStatus().isBadRequest();
		client.get().uri("/actuator/traces?limit=0").exchange().expectStatus().isBadRequest();
	}

	@Test
	void answers404ForATraceItDoesNotKeep() {
		client.get().uri("/actuator/traces/4bf92f3577b34da6a3ce929d0e0e4736").exchange().expectStatus().isNotFound();
	}

	@Test
	void listsRecentTraces() {
		client.get().uri("/actuator/logs").exchange().expectStatus().isOk();
		client.get()
			.uri("/actuator/traces")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.traces")
			.isArray();
	}

	@Test
	void rejectsABadStreamFilterWith400() {
		client.get()
			.uri("/actuator/logs/stream?level=LOUD")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("level must be one of"));
	}

	@Test
	void streamsNewLogEventsAsServerSentEvents() {
		Flux<ServerSentEvent<Map<String, Object>>> stream = WebClient.create(baseUrl)
			.get()
			.uri("/actuator/logs/stream?logger=dev.phanes.collector.stream")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() {
			});
		List<Object> messages = stream.filter((event) -> "log".equals(event.event()))
			.map((event) -> event.data().get("message"))
			.take(2)
			.doOnSubscribe((subscription) -> new Thread(() -> {
				// Log once the stream is open; keep logging until the client has read.
				for (int i = 0; i < 50; i++) {
					LoggerFactory.getLogger("dev.phanes.collector.stream").info("streamed {}", i);
					LoggerFactory.getLogger("dev.phanes.other").info("not streamed {}", i);
					sleep();
				}
			}).start())
			.collectList()
			.block(Duration.ofSeconds(20));
		assertThat(messages).hasSize(2).allSatisfy((message) -> assertThat(message.toString()).startsWith("streamed"));
	}

	private static void sleep() {
		try {
			Thread.sleep(100);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
	static class EndpointsApplication {

	}

}
