package dev.phanes.collector;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * With a management server of its own ({@code management.server.port}), the endpoints and
 * the log stream are served there, under its base path, and not on the application's
 * port.
 */
class CollectorManagementPortTests {

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(CollectorEndpointsTests.EndpointsApplication.class).run(
				"--server.port=0", "--server.address=127.0.0.1", "--management.server.port=0",
				"--management.server.address=127.0.0.1", "--management.endpoints.web.base-path=/manage",
				"--spring.main.banner-mode=off", "--phanes.discovery.enabled=false",
				"--management.endpoints.web.exposure.include=logs,traces");
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	@Test
	void servesTheEndpointsAndTheStreamOnTheManagementServer() {
		WebTestClient management = client("local.management.port");
		management.get().uri("/manage/logs?limit=1").exchange().expectStatus().isOk();
		management.get().uri("/manage/traces").exchange().expectStatus().isOk();
		management.get().uri("/manage/logs/stream?level=LOUD").exchange().expectStatus().isBadRequest();
	}

	@Test
	void servesNeitherOnTheApplicationsPort() {
		WebTestClient application = client("local.server.port");
		application.get().uri("/manage/logs").exchange().expectStatus().isNotFound();
		application.get().uri("/manage/logs/stream?level=LOUD").exchange().expectStatus().isNotFound();
	}

	private static WebTestClient client(String portProperty) {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + context.getEnvironment().getProperty(portProperty))
			.responseTimeout(Duration.ofSeconds(10))
			.build();
	}

}
