package dev.phanes.discovery.etcd;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import tools.jackson.databind.json.JsonMapper;

import dev.phanes.discovery.DiscoveryChangeObserver;
import dev.phanes.discovery.DiscoveryObservation;
import dev.phanes.discovery.HeartbeatPublisher;
import dev.phanes.observation.DocumentedObservations;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.cloud.client.ConditionalOnBlockingDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnReactiveDiscoveryEnabled;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationAutoConfiguration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationConfiguration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.env.Environment;

/**
 * Discovery over an etcd registry in go-micro's layout
 * ({@code phanes.discovery.type=etcd}): the etcd client, the live view, the blocking and
 * reactive discovery clients, the registry, and auto-registration of the application when
 * its web server starts. Turned off by {@code phanes.discovery.enabled=false} or
 * {@code spring.cloud.discovery.enabled=false}; auto-registration alone by
 * {@code spring.cloud.service-registry.auto-registration.enabled=false}.
 */
@AutoConfiguration(
		after = { AutoServiceRegistrationAutoConfiguration.class, AutoServiceRegistrationConfiguration.class },
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass({ Client.class, HeartbeatEvent.class, JsonMapper.class })
@ConditionalOnDiscoveryEnabled
@ConditionalOnProperty(name = "phanes.discovery.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "phanes.discovery.type", havingValue = "etcd")
@EnableConfigurationProperties(EtcdDiscoveryProperties.class)
public final class EtcdDiscoveryAutoConfiguration {

	/**
	 * Endpoints used when neither {@code phanes.discovery.etcd.endpoints} nor
	 * {@code phanes.config.etcd.endpoints} is set.
	 */
	static final String DEFAULT_ENDPOINT = "http://127.0.0.1:2379";

	/**
	 * The observations of this block, for the collectors to describe and cap.
	 * @return them
	 */
	@Bean
	static DocumentedObservations phanesDiscoveryObservations() {
		return DocumentedObservations.of(DiscoveryObservation.values());
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(name = "phanesEtcdDiscoveryClient")
	Client phanesEtcdDiscoveryClient(EtcdDiscoveryProperties properties, Environment environment) {
		// Requests fail at once while etcd is unreachable instead of waiting in the
		// client
		// for it: the registrar and the view retry on their own, and a request they gave
		// up
		// on must not land later (a late put could bring back a deleted key).
		ClientBuilder builder = Client.builder()
			.endpoints(endpoints(properties, environment).toArray(String[]::new))
			.connectTimeout(properties.getConnectTimeout())
			.waitForReady(false);
		if (properties.getUser() != null) {
			builder.user(ByteSequence.from(properties.getUser(), StandardCharsets.UTF_8));
			builder.password(ByteSequence.from((properties.getPassword() != null) ? properties.getPassword() : "",
					StandardCharsets.UTF_8));
		}
		return builder.build();
	}

	/**
	 * The endpoints of the registry: its own, else the config block's, else a local etcd.
	 * @param properties the discovery settings
	 * @param environment the environment, for the config block's endpoints
	 * @return the endpoints
	 */
	static List<String> endpoints(EtcdDiscoveryProperties properties, Environment environment) {
		if (!properties.getEndpoints().isEmpty()) {
			return properties.getEndpoints();
		}
		List<String> config = Binder.get(environment)
			.bind("phanes.config.etcd.endpoints", Bindable.listOf(String.class))
			.orElse(List.of());
		return config.isEmpty() ? List.of(DEFAULT_ENDPOINT) : config;
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EtcdView etcdView(@Qualifier("phanesEtcdDiscoveryClient") Client client, EtcdDiscoveryProperties properties,
			ApplicationEventPublisher publisher) {
		EtcdView view = new EtcdView(client, documents(properties), properties.getRequestTimeout(),
				properties.getRetryInterval());
		view.start();
		// Told of changes after the first reading only: an event published from the
		// view's thread while this bean is still being created makes the context look up
		// its listeners, which need this bean, so that thread waits for this method to
		// return while start() waits for it (up to twice the request timeout). Nothing
		// can have cached instances before the view exists.
		view.addListener(new HeartbeatPublisher(view, publisher));
		return view;
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EtcdRegistrar etcdRegistrar(@Qualifier("phanesEtcdDiscoveryClient") Client client,
			EtcdDiscoveryProperties properties, EtcdView view) {
		EtcdRegistrar registrar = new EtcdRegistrar(client, documents(properties), properties.getTtl(),
				properties.getRequestTimeout(), properties.getRetryInterval());
		// a registration whose key left the registry while it is registered is written
		// again
		view.addListener((change) -> change.removed()
			.forEach((instance) -> registrar.restore(instance.serviceId(), instance.instanceId())));
		return registrar;
	}

	private static GoMicroDocuments documents(EtcdDiscoveryProperties properties) {
		return new GoMicroDocuments(properties.getPrefix(),
				(int) Math.min(Integer.MAX_VALUE, properties.getMaxDocumentSize().toBytes()));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBlockingDiscoveryEnabled
	static class BlockingClientConfiguration {

		@Bean
		@ConditionalOnMissingBean
		EtcdDiscoveryClient etcdDiscoveryClient(EtcdView view, EtcdDiscoveryProperties properties) {
			return new EtcdDiscoveryClient(view, properties.getOrder());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnReactiveDiscoveryEnabled
	@ConditionalOnClass(name = "reactor.core.publisher.Flux")
	static class ReactiveClientConfiguration {

		@Bean
		@ConditionalOnMissingBean
		EtcdReactiveDiscoveryClient etcdReactiveDiscoveryClient(EtcdView view, EtcdDiscoveryProperties properties) {
			return new EtcdReactiveDiscoveryClient(view, properties.getOrder());
		}

	}

	@Bean
	@ConditionalOnMissingBean
	EtcdServiceRegistry etcdServiceRegistry(EtcdRegistrar registrar) {
		return new EtcdServiceRegistry(registrar);
	}

	@Bean
	@ConditionalOnMissingBean
	EtcdRegistration etcdRegistration(EtcdDiscoveryProperties properties, Environment environment,
			ObjectProvider<InetUtils> inetUtils) {
		String serviceId = (properties.getServiceId() != null) ? properties.getServiceId()
				: environment.getProperty("spring.application.name", "application");
		String instanceId = (properties.getInstanceId() != null) ? properties.getInstanceId()
				: serviceId + "-" + UUID.randomUUID();
		String host = properties.getHostname();
		if (host == null) {
			InetUtils utils = inetUtils.getIfAvailable();
			host = (utils != null) ? utils.findFirstNonLoopbackHostInfo().getIpAddress()
					: InetAddress.getLoopbackAddress().getHostAddress();
		}
		return new EtcdRegistration(serviceId, instanceId, host, 0, properties.isSecure(), properties.getVersion(),
				properties.getMetadata());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.web.server.context.WebServerInitializedEvent")
	@ConditionalOnBean(AutoServiceRegistrationProperties.class)
	@ConditionalOnProperty(name = "spring.cloud.service-registry.auto-registration.enabled", matchIfMissing = true)
	static class AutoRegistrationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		EtcdAutoServiceRegistration etcdAutoServiceRegistration(ApplicationContext context,
				EtcdServiceRegistry registry, AutoServiceRegistrationProperties properties,
				EtcdRegistration registration) {
			return new EtcdAutoServiceRegistration(context, registry, properties, registration);
		}

		@Bean
		ApplicationListener<ContextRefreshedEvent> etcdRegisterWhenRefreshed(EtcdAutoServiceRegistration registration) {
			return registration.registerWhenRefreshed();
		}

		@Bean
		SmartLifecycle etcdGoodbyeOnShutdown(EtcdAutoServiceRegistration registration,
				EtcdDiscoveryProperties properties) {
			return registration.goodbyeOnShutdown(properties.getShutdownDelay());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
	@ConditionalOnEnabledHealthIndicator("etcd-discovery")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "etcdDiscoveryHealthIndicator")
		EtcdDiscoveryHealthIndicator etcdDiscoveryHealthIndicator(EtcdView view, EtcdRegistrar registrar) {
			return new EtcdDiscoveryHealthIndicator(view, registrar);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	@ConditionalOnBean(ObservationRegistry.class)
	static class ObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DiscoveryChangeObserver discoveryChangeObserver(EtcdView view, ObservationRegistry registry) {
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
		EtcdDiscoveryMetrics etcdDiscoveryMetrics(EtcdView view, EtcdRegistrar registrar) {
			return new EtcdDiscoveryMetrics(view, registrar);
		}

	}

}
