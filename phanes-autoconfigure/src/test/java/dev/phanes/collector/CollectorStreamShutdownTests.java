package dev.phanes.collector;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A log stream left open by its client ends when the application closes, instead of
 * holding the web server's graceful shutdown for its whole timeout; and it says at once
 * that it is subscribed. In a class of its own: closing an application in a JVM stops
 * Reactor Netty's shared resources under any other application still running there.
 */
class CollectorStreamShutdownTests {

	@Test
	void anOpenStreamSaysItIsSubscribedAndEndsWhenTheApplicationCloses() {
		// Graceful shutdown waits up to this long for open requests: a stream that never
		// ended would hold the close that long.
		Duration shutdownTimeout = Duration.ofSeconds(20);
		ConfigurableApplicationContext own = new SpringApplicationBuilder(
				CollectorEndpointsTests.EndpointsApplication.class)
			.run("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
					"--phanes.discovery.enabled=false", "--management.endpoints.web.exposure.include=logs",
					"--server.shutdown=graceful",
					"--spring.lifecycle.timeout-per-shutdown-phase=" + shutdownTimeout.toSeconds() + "s");
		String url = "http://127.0.0.1:" + own.getEnvironment().getProperty("local.server.port");
		java.util.concurrent.CompletableFuture<String> ended = new java.util.concurrent.CompletableFuture<>();
		java.util.concurrent.CompletableFuture<String> subscribed = new java.util.concurrent.CompletableFuture<>();
		WebClient.create(url)
			.get()
			.uri("/actuator/logs/stream")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() {
			})
			.doOnNext((event) -> {
				if (event.comment() != null) {
					subscribed.complete(event.comment());
				}
			})
			.subscribe(null, (ex) -> ended.complete("error: " + ex), () -> ended.complete("completed"));
		// The first comment comes at once, not with the first event or keep-alive.
		assertThat(subscribed.completeOnTimeout("none", 10, java.util.concurrent.TimeUnit.SECONDS).join())
			.isEqualTo("subscribed");
		long start = System.nanoTime();
		own.close();
		Duration closing = Duration.ofNanos(System.nanoTime() - start);
		assertThat(ended.completeOnTimeout("still open", 10, java.util.concurrent.TimeUnit.SECONDS).join())
			.isEqualTo("completed");
		assertThat(closing).as("the close, which an open stream would hold %s", shutdownTimeout)
			.isLessThan(shutdownTimeout);
	}

}
