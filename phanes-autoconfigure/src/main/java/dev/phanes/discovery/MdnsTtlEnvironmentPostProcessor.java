package dev.phanes.discovery;

import java.time.Duration;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;

/**
 * Gives JmDNS the configured record TTL. JmDNS reads its TTL once per JVM, from the
 * {@code net.dns.ttl} system property, when its constants are first loaded; this runs
 * before any bean, so that the first engine of the JVM sees
 * {@code phanes.discovery.mdns.ttl}. A {@code net.dns.ttl} set by the user wins.
 */
public class MdnsTtlEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/**
	 * The system property JmDNS reads its TTL from.
	 */
	public static final String TTL_PROPERTY = "net.dns.ttl";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!ClassUtils.isPresent("javax.jmdns.JmDNS", application.getClassLoader())
				|| System.getProperty(TTL_PROPERTY) != null || !enabled(environment)) {
			return;
		}
		Duration ttl = Binder.get(environment)
			.bind(MdnsDiscoveryProperties.PREFIX + ".ttl", Duration.class)
			.orElse(MdnsDiscoveryProperties.DEFAULT_TTL);
		System.setProperty(TTL_PROPERTY, Long.toString(ttlSeconds(ttl)));
	}

	/**
	 * Smallest TTL: JmDNS announces a record with its remaining TTL rounded down (one
	 * second less), and a record left with a TTL of one second reads as a goodbye.
	 */
	static final Duration MIN_TTL = Duration.ofSeconds(4);

	static long ttlSeconds(Duration ttl) {
		if (ttl.compareTo(MIN_TTL) < 0) {
			throw new IllegalArgumentException("phanes.discovery.mdns.ttl must be at least " + MIN_TTL.toSeconds()
					+ "s (JmDNS announces records with one second less, and a TTL of 1 s marks a goodbye), was " + ttl);
		}
		return Math.min(ttl.toSeconds(), Integer.MAX_VALUE / 1000);
	}

	private static boolean enabled(ConfigurableEnvironment environment) {
		return environment.getProperty("spring.cloud.discovery.enabled", Boolean.class, true)
				&& environment.getProperty("phanes.discovery.enabled", Boolean.class, true)
				&& environment.getProperty(MdnsDiscoveryProperties.PREFIX + ".enabled", Boolean.class, true);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
