package dev.phanes.gateway.app;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The Phanes gateway as an application
 * ({@code java -jar phanes-gateway-<version>-exec.jar}): Spring Cloud Gateway with
 * Phanes' discovery, load balancer and service route, nothing else. Configured like any
 * Boot application; its defaults, which any property source overrides, keep mDNS on
 * loopback as the sample does, listen on port 8080, wait at most 2 s for a connection and
 * 10 s for an answer (then retry elsewhere), serve the environment catalog at
 * {@code /phanes/catalog} and leave the gateway out of discovery (it calls services,
 * nobody calls it by name). The dashboard is off until {@code phanes.dashboard.enabled}.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
public class PhanesGatewayApplication {

	/**
	 * Run the gateway.
	 * @param args application arguments, such as {@code --server.port=9090}
	 */
	public static void main(String[] args) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("spring.application.name", "phanes-gateway");
		defaults.put("spring.main.web-application-type", "reactive");
		defaults.put("phanes.discovery.mdns.address", "127.0.0.1");
		defaults.put("spring.cloud.service-registry.auto-registration.enabled", "false");
		defaults.put("management.endpoints.web.exposure.include", "health,info,prometheus,catalog");
		defaults.put("phanes.dashboard.catalog.enabled", "true");
		// as Phanes' @LoadBalanced clients: a hung instance costs a request 10 s, then
		// it is retried elsewhere
		defaults.put("spring.cloud.gateway.server.webflux.httpclient.connect-timeout", "2000");
		defaults.put("spring.cloud.gateway.server.webflux.httpclient.response-timeout", "10s");
		new SpringApplicationBuilder(PhanesGatewayApplication.class).properties(defaults).run(args);
	}

}
