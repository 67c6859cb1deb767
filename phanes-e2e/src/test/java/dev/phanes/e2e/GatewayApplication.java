package dev.phanes.e2e;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Cloud Gateway on Phanes' mDNS discovery and load balancer, run in the test JVM
 * and configured the way a user would, with properties only: one route,
 * {@code /backend/**} to {@code lb://<service>} without the prefix, behind the gateway's
 * Retry filter.
 * <p>
 * The gateway's load-balancer filter chooses one instance per attempt and never retries
 * (Spring Cloud LoadBalancer's {@code spring.cloud.loadbalancer.retry.*}, which Phanes
 * turns on, applies to {@code @LoadBalanced} clients only). The Retry filter runs the
 * rest of the chain again, so each retry is a new choice; Phanes' balancer, told of the
 * failed attempt through its load-balancer lifecycle before the retry starts, ejects that
 * instance after its first failure
 * ({@code phanes.loadbalancer.outlier.consecutive-failures=1}; the default of 3 would let
 * the random re-choices of one request land on a dead instance again), so the retry goes
 * to another one. The Retry filter's default exceptions, {@link java.io.IOException}
 * (connection refused, connection closed before the response) and the gateway's own
 * {@code TimeoutException} (no response within the response timeout, the cause of its
 * 504), are the ones to retry on; GET on a 5xx is retried too.
 * <p>
 * It is a configuration with auto-configuration but no component scan, so that nothing
 * else in the test package becomes part of it, and it reads no {@code application.yml}
 * ({@code spring.config.name} is its own): everything it is given is in {@link #start}.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class GatewayApplication {

	/**
	 * The route's prefix, stripped before the request goes to a backend.
	 */
	static final String PREFIX = "/backend";

	@Bean
	GatewayAttempts gatewayAttempts() {
		return new GatewayAttempts();
	}

	/**
	 * Start a gateway on loopback, on a port the kernel chooses.
	 * @param name its application name
	 * @param backendService the service id the route balances over
	 * @param responseTimeout the longest wait for the response to one attempt
	 * @param retries how many times a request is retried at most
	 * @param maxBackoff the longest pause before a retry
	 * @return the running gateway
	 */
	static ConfigurableApplicationContext start(String name, String backendService, Duration responseTimeout,
			int retries, Duration maxBackoff) {
		String route = "--spring.cloud.gateway.server.webflux.routes[0].";
		String retry = route + "filters[1].args.";
		List<String> arguments = List.of("--spring.config.name=phanes-e2e-gateway", "--spring.application.name=" + name,
				"--spring.main.web-application-type=reactive", "--spring.main.banner-mode=off",
				// Multicast safety: mDNS never picks an interface of its own, and only
				// loopback serves HTTP.
				"--phanes.discovery.mdns.address=127.0.0.1", "--server.address=127.0.0.1", "--server.port=0",
				// It calls the backends and is called by nobody else: no need to publish
				// it.
				"--spring.cloud.service-registry.auto-registration.enabled=false",
				// The Retry filter chooses again at random: eject on the first failure.
				"--phanes.loadbalancer.outlier.consecutive-failures=1",
				"--spring.cloud.gateway.server.webflux.httpclient.connect-timeout=1000",
				"--spring.cloud.gateway.server.webflux.httpclient.response-timeout=" + responseTimeout.toMillis()
						+ "ms",
				route + "id=backend", route + "uri=lb://" + backendService,
				route + "predicates[0]=Path=" + PREFIX + "/**", route + "filters[0]=StripPrefix=1",
				route + "filters[1].name=Retry", retry + "retries=" + retries, retry + "methods=GET",
				retry + "series=SERVER_ERROR", retry + "backoff.first-backoff=10ms",
				retry + "backoff.max-backoff=" + maxBackoff.toMillis() + "ms", retry + "backoff.factor=2",
				retry + "backoff.based-on-previous-value=false");
		return SpringApplication.run(GatewayApplication.class, arguments.toArray(String[]::new));
	}

}
