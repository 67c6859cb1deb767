package dev.phanes.gateway.app;

import java.util.Map;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The Phanes gateway as an application
 * ({@code java -jar phanes-gateway-<version>-exec.jar}): Spring Cloud Gateway with
 * Phanes' discovery, load balancer and service route, nothing else. Configured like any
 * Boot application; its defaults, which any property source overrides, keep mDNS on
 * loopback as the sample does, listen on port 8080 and leave the gateway out of discovery
 * (it calls services, nobody calls it by name).
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
public class PhanesGatewayApplication {

	/**
	 * Run the gateway.
	 * @param args application arguments, such as {@code --server.port=9090}
	 */
	public static void main(String[] args) {
		new SpringApplicationBuilder(PhanesGatewayApplication.class).properties(Map.of("spring.application.name",
				"phanes-gateway", "spring.main.web-application-type", "reactive", "phanes.discovery.mdns.address",
				"127.0.0.1", "spring.cloud.service-registry.auto-registration.enabled", "false",
				"management.endpoints.web.exposure.include", "health,info,prometheus,catalog,gateway"))
			.run(args);
	}

}
