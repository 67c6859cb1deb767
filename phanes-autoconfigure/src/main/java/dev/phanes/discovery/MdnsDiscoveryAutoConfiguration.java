package dev.phanes.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import javax.jmdns.JmDNS;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.phanes.observation.DocumentedObservations;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.cloud.client.ConditionalOnBlockingDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnReactiveDiscoveryEnabled;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationAutoConfiguration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationConfiguration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.env.Environment;

/**
 * Discovery over multicast DNS, the default {@code phanes.discovery.type}: one JmDNS
 * engine, the live view, the blocking and reactive discovery clients, the registry, and
 * auto-registration of the application when its web server starts. Turned off by
 * {@code phanes.discovery.type=etcd}, {@code phanes.discovery.enabled=false},
 * {@code phanes.discovery.mdns.enabled=false} or
 * {@code spring.cloud.discovery.enabled=false}; auto-registration alone by
 * {@code spring.cloud.service-registry.auto-registration.enabled=false}.
 */
@AutoConfiguration(
		after = { AutoServiceRegistrationAutoConfiguration.class, AutoServiceRegistrationConfiguration.class },
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass({ JmDNS.class, HeartbeatEvent.class })
@ConditionalOnDiscoveryEnabled
@ConditionalOnProperty(name = { "phanes.discovery.enabled", "phanes.discovery.mdns.enabled" }, matchIfMissing = true)
@ConditionalOnProperty(name = "phanes.discovery.type", havingValue = "mdns", matchIfMissing = true)
@EnableConfigurationProperties(MdnsDiscoveryProperties.class)
public final class MdnsDiscoveryAutoConfiguration {

	/**
	 * The observations of this block, for the collectors to describe and cap.
	 * @return them
	 */
	@Bean
	static DocumentedObservations phanesDiscoveryObservations() {
		return DocumentedObservations.of(DiscoveryObservation.values());
	}

	private static final Log logger = LogFactory.getLog(MdnsDiscoveryAutoConfiguration.class);

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	MdnsTransport mdnsTransport(MdnsDiscoveryProperties properties) {
		long ttl = MdnsTtlEnvironmentPostProcessor.ttlSeconds(properties.getTtl());
		InetAddress address;
		try {
			address = MdnsAddresses.resolve(properties.getAddress(), properties.getNetworkInterface());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not choose an interface for mDNS discovery: " + ex.getMessage(), ex);
		}
		try {
			MdnsTransport transport = MdnsTransport.open(address, properties.getCloseTimeout());
			if (MdnsTransport.recordTtlSeconds() != ttl) {
				logger.warn("mDNS records of this JVM carry a TTL of " + MdnsTransport.recordTtlSeconds()
						+ " s, not phanes.discovery.mdns.ttl=" + ttl + " s: JmDNS reads its TTL once per JVM, and "
						+ "net.dns.ttl was set or JmDNS was loaded before this application started");
			}
			return transport;
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"Could not open mDNS on " + address.getHostAddress() + ": " + ex.getMessage(), ex);
		}
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	MdnsView mdnsView(MdnsTransport transport, MdnsDiscoveryProperties properties,
			ApplicationEventPublisher publisher) {
		MdnsView view = new MdnsView(transport, properties.getDomain(), properties.getSweepInterval(),
				properties.getFirstLookupTimeout(), properties.getMaxServices(), properties.getMaxInstances());
		view.addListener(new HeartbeatPublisher(view, publisher));
		view.start();
		return view;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBlockingDiscoveryEnabled
	static class BlockingClientConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MdnsDiscoveryClient mdnsDiscoveryClient(MdnsView view, MdnsTransport transport,
				MdnsDiscoveryProperties properties) {
			return new MdnsDiscoveryClient(view, transport, properties.getOrder());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnReactiveDiscoveryEnabled
	@ConditionalOnClass(name = "reactor.core.publisher.Flux")
	static class ReactiveClientConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MdnsReactiveDiscoveryClient mdnsReactiveDiscoveryClient(MdnsView view, MdnsTransport transport,
				MdnsDiscoveryProperties properties) {
			return new MdnsReactiveDiscoveryClient(view, transport, properties.getOrder());
		}

	}

	@Bean
	@ConditionalOnMissingBean
	MdnsServiceRegistry mdnsServiceRegistry(MdnsTransport transport, MdnsView view,
			MdnsDiscoveryProperties properties) {
		return new MdnsServiceRegistry(transport, view, properties.getDomain(),
				(int) Math.min(Integer.MAX_VALUE, properties.getMaxTxtSize().toBytes()));
	}

	@Bean
	@ConditionalOnMissingBean
	MdnsRegistration mdnsRegistration(MdnsDiscoveryProperties properties, MdnsTransport transport,
			Environment environment) {
		String serviceId;
		if (properties.getServiceId() != null) {
			serviceId = DnsSd.checkServiceId(properties.getServiceId(), "phanes.discovery.mdns.service-id");
		}
		else {
			String name = environment.getProperty("spring.application.name", "application");
			serviceId = DnsSd.checkServiceId(name, "spring.application.name; set phanes.discovery.mdns.service-id "
					+ "to register under another name");
		}
		String instanceId;
		if (properties.getInstanceId() != null) {
			instanceId = DnsSd.checkInstanceId(properties.getInstanceId(), "phanes.discovery.mdns.instance-id");
		}
		else {
			byte[] suffix = new byte[6];
			ThreadLocalRandom.current().nextBytes(suffix);
			String prefix = (serviceId.length() > 48) ? serviceId.substring(0, 48) : serviceId;
			instanceId = prefix + "-" + HexFormat.of().formatHex(suffix);
		}
		String host = (properties.getHostname() != null) ? properties.getHostname()
				: transport.address().getHostAddress();
		return new MdnsRegistration(serviceId, instanceId, host, 0, properties.isSecure(), properties.getMetadata());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.web.server.context.WebServerInitializedEvent")
	@ConditionalOnBean(AutoServiceRegistrationProperties.class)
	@ConditionalOnProperty(name = "spring.cloud.service-registry.auto-registration.enabled", matchIfMissing = true)
	static class AutoRegistrationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MdnsAutoServiceRegistration mdnsAutoServiceRegistration(ApplicationContext context,
				MdnsServiceRegistry registry, AutoServiceRegistrationProperties properties,
				MdnsRegistration registration) {
			return new MdnsAutoServiceRegistration(context, registry, properties, registration);
		}

		@Bean
		ApplicationListener<ContextRefreshedEvent> mdnsRegisterWhenRefreshed(MdnsAutoServiceRegistration registration) {
			return registration.registerWhenRefreshed();
		}

		@Bean
		SmartLifecycle mdnsGoodbyeOnShutdown(MdnsAutoServiceRegistration registration,
				MdnsDiscoveryProperties properties) {
			return registration.goodbyeOnShutdown(properties.getShutdownDelay());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
	@ConditionalOnEnabledHealthIndicator("mdns")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "mdnsHealthIndicator")
		MdnsHealthIndicator mdnsHealthIndicator(MdnsTransport transport, MdnsView view, MdnsServiceRegistry registry) {
			return new MdnsHealthIndicator(transport, view, registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	@ConditionalOnBean(ObservationRegistry.class)
	static class ObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DiscoveryChangeObserver discoveryChangeObserver(MdnsView view, ObservationRegistry registry) {
			DiscoveryChangeObserver observer = new DiscoveryChangeObserver(registry);
			view.addListener(observer);
			return observer;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MdnsDiscoveryMetrics mdnsDiscoveryMetrics(MdnsTransport transport, MdnsView view) {
			return new MdnsDiscoveryMetrics(transport, view);
		}

	}

}
