package dev.phanes.loadbalancer.grpc;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * An instance of the echo service for the gRPC tests: a WebFlux application registered
 * over mDNS on loopback whose {@code /who} answers its name over HTTP, beside an
 * {@link Echo} gRPC server whose port it publishes as {@code gRPC_port}. Run in-process,
 * or as a child JVM through {@link #main(String[])} (which starts the gRPC server first),
 * so that a test can SIGKILL it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
public class GrpcPeerApplication {

	@Bean
	RouterFunction<ServerResponse> routes(@Value("${phanes.test.name}") String name) {
		return RouterFunctions.route()
			.GET("/who", (request) -> ServerResponse.ok().body(Mono.just(name), String.class))
			.build();
	}

	/**
	 * Start the gRPC server, then the application publishing its port.
	 * @param args {@code <service> <name>}, then Spring Boot arguments
	 * @throws Exception if the server fails to start
	 */
	public static void main(String[] args) throws Exception {
		Echo.EchoServer server = new Echo.EchoServer(args[1]);
		String[] arguments = new String[args.length + 4];
		arguments[0] = "--spring.application.name=" + args[0];
		arguments[1] = "--phanes.test.name=" + args[1];
		arguments[2] = "--phanes.discovery.mdns.metadata.gRPC_port=" + server.port();
		arguments[3] = "--phanes.discovery.mdns.address=127.0.0.1";
		arguments[4] = "--server.port=0";
		arguments[5] = "--spring.main.banner-mode=off";
		System.arraycopy(args, 2, arguments, 6, args.length - 2);
		SpringApplication.run(GrpcPeerApplication.class, arguments);
	}

}
