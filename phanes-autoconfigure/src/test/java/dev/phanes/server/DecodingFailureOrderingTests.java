package dev.phanes.server;

import java.io.IOException;
import java.time.Duration;

import dev.phanes.test.KeepAliveConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request the HTTP decoder rejects, sent on a keep-alive connection right after a
 * response that was written off the event loop, is answered. Without the fix Reactor
 * Netty 1.3.8 left about one connection in twelve silent here (measured on this app: 16
 * of 200); each of the 200 connections below fails the test by a read timeout if it gets
 * no answer.
 */
class DecodingFailureOrderingTests {

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

	private static ConfigurableApplicationContext context;

	private static int port;

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(LateAnswerApplication.class).run("--server.port=0",
				"--server.address=127.0.0.1", "--spring.main.banner-mode=off", "--phanes.discovery.enabled=false");
		port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	@Test
	void aRejectedRequestLineAfterAResponseWrittenOffTheEventLoopIsAnswered() throws IOException {
		String late = "/late/" + "x".repeat(3_000);
		String tooLong = "/late/" + "y".repeat(10_000);
		for (int i = 0; i < 200; i++) {
			try (KeepAliveConnection connection = new KeepAliveConnection(port, READ_TIMEOUT)) {
				assertThat(connection.get(late)).as("late answer on connection %d", i).isEqualTo(400);
				assertThat(connection.get(tooLong)).as("rejected request line on connection %d", i).isEqualTo(414);
			}
		}
	}

	@Test
	void isOnForReactiveApplicationsOnlyAndCanBeSwitchedOff() {
		ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PhanesServerAutoConfiguration.class));
		runner.run((reactive) -> assertThat(reactive).hasSingleBean(NettyServerCustomizer.class));
		runner.withPropertyValues("phanes.server.decoding-failure-ordering.enabled=false")
			.run((off) -> assertThat(off).doesNotHaveBean(NettyServerCustomizer.class));
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PhanesServerAutoConfiguration.class))
			.run((plain) -> assertThat(plain).doesNotHaveBean(NettyServerCustomizer.class));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
	static class LateAnswerApplication {

		/**
		 * Answers 400 from {@code boundedElastic}, as a handler that read a store first
		 * would, so the response is written from outside the event loop.
		 */
		@Bean
		RouterFunction<ServerResponse> lateRoute() {
			return RouterFunctions.route()
				.GET("/late/{id}", (request) -> Mono.fromCallable(() -> request.pathVariable("id").length())
					.subscribeOn(Schedulers.boundedElastic())
					.flatMap((length) -> ServerResponse.badRequest().bodyValue("no id of " + length + " characters")))
				.build();
		}

	}

}
