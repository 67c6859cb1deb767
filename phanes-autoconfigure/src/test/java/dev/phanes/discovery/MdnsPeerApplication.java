package dev.phanes.discovery;

import java.time.Duration;

import reactor.core.publisher.Mono;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * A small WebFlux service for discovery tests: {@code /hello} answers at once,
 * {@code /slow} after two seconds. Run in-process with {@code SpringApplicationBuilder}
 * or as a child JVM through {@link #main(String[])}. It scans no packages: the
 * auto-configuration under test lives in this one.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
public class MdnsPeerApplication {

	/**
	 * How long {@code /slow} takes.
	 */
	public static final Duration SLOW = Duration.ofSeconds(2);

	@Bean
	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.GET("/hello", (request) -> ServerResponse.ok().bodyValue("hello"))
			.GET("/slow", (request) -> Mono.delay(SLOW).then(ServerResponse.ok().bodyValue("slow")))
			.build();
	}

	public static void main(String[] args) {
		SpringApplication.run(MdnsPeerApplication.class, args);
	}

}
