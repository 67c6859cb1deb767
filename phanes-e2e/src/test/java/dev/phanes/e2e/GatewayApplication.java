package dev.phanes.e2e;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The Phanes gateway (the {@code phanes-gateway} starter) on Phanes' mDNS discovery, run
 * in the test JVM and configured the way a user would: no route at all, the starter's
 * service route sends {@code /<service>/**} to the service's instances. Only the timeouts
 * and the hash-key header are set, as a user would set them.
 * <p>
 * It is a configuration with auto-configuration but no component scan, so that nothing
 * else in the test package becomes part of it, and it reads no {@code application.yml}
 * ({@code spring.config.name} is its own): everything it is given is in {@link #start}.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
class GatewayApplication {

	/**
	 * The request header whose value is the hash key, as in the sample.
	 */
	static final String KEY_HEADER = "X-User-Id";

	@Bean
	GatewayAttempts gatewayAttempts() {
		return new GatewayAttempts();
	}

	/**
	 * Start a gateway on loopback, on a port the kernel chooses.
	 * @param name its application name
	 * @param responseTimeout the longest wait for the response to one attempt
	 * @param extra further arguments
	 * @return the running gateway
	 */
	static ConfigurableApplicationContext start(String name, Duration responseTimeout, String... extra) {
		List<String> arguments = new java.util.ArrayList<>(
				List.of("--spring.config.name=phanes-e2e-gateway", "--spring.application.name=" + name,
						"--spring.main.web-application-type=reactive", "--spring.main.banner-mode=off",
						// Multicast safety: mDNS never picks an interface of its own, and
						// only
						// loopback serves HTTP.
						"--phanes.discovery.mdns.address=127.0.0.1", "--server.address=127.0.0.1", "--server.port=0",
						// It calls the backends and is called by nobody else: no need to
						// publish
						// it.
						"--spring.cloud.service-registry.auto-registration.enabled=false",
						"--phanes.loadbalancer.hash.header=" + KEY_HEADER,
						"--management.endpoints.web.exposure.include=health,prometheus",
						"--spring.cloud.gateway.server.webflux.httpclient.connect-timeout=1000",
						"--spring.cloud.gateway.server.webflux.httpclient.response-timeout="
								+ responseTimeout.toMillis() + "ms"));
		arguments.addAll(List.of(extra));
		return SpringApplication.run(GatewayApplication.class, arguments.toArray(String[]::new));
	}

}
