package dev.phanes.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import de.codecentric.boot.admin.server.config.EnableAdminServer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot Admin server (its server and discovery modules, no UI) on Phanes' mDNS
 * discovery, run in the test JVM and configured the way a user would: it finds the
 * instances to monitor through the {@code DiscoveryClient} and reads where their Actuator
 * endpoints are from their metadata. Only its intervals and the services it watches are
 * set.
 * <p>
 * It is a configuration with auto-configuration but no component scan, so that nothing
 * else in the test package becomes part of it, and it reads no {@code application.yml}
 * ({@code spring.config.name} is its own): everything it is given is in {@link #start}.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@EnableAdminServer
class AdminServerApplication {

	/**
	 * Start an admin server on loopback, on a port the kernel chooses.
	 * @param name its application name
	 * @param services the services it monitors, a pattern such as {@code orders-*}
	 * @param statusInterval how often it asks each instance for its health, which is also
	 * how long a status it read counts as fresh
	 * @return the running server
	 */
	static ConfigurableApplicationContext start(String name, String services, Duration statusInterval) {
		String interval = statusInterval.toMillis() + "ms";
		List<String> arguments = new ArrayList<>(
				List.of("--spring.config.name=phanes-e2e-admin", "--spring.application.name=" + name,
						"--spring.main.web-application-type=reactive", "--spring.main.banner-mode=off",
						// Multicast safety: mDNS never picks an interface of its own, and
						// only
						// loopback serves HTTP.
						"--phanes.discovery.mdns.address=127.0.0.1", "--server.address=127.0.0.1", "--server.port=0",
						// It watches the instances and is watched by nobody: no need to
						// publish it.
						"--spring.cloud.service-registry.auto-registration.enabled=false",
						// The gateway starter is on the test class path; this application
						// is no
						// gateway.
						"--spring.cloud.gateway.server.webflux.enabled=false",
						// Other builds on this machine publish sample apps on the
						// loopback mDNS too.
						"--spring.boot.admin.discovery.services=" + services,
						"--spring.boot.admin.monitor.status-interval=" + interval,
						"--spring.boot.admin.monitor.status-lifetime=" + interval,
						// A status request may take as long as the interval, no longer.
						"--spring.boot.admin.monitor.default-timeout=" + interval));
		return SpringApplication.run(AdminServerApplication.class, arguments.toArray(String[]::new));
	}

}
