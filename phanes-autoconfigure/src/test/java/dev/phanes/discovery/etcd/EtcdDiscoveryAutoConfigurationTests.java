package dev.phanes.discovery.etcd;

import org.junit.jupiter.api.Test;

import dev.phanes.discovery.MdnsDiscoveryAutoConfiguration;
import dev.phanes.discovery.MdnsTransport;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationAutoConfiguration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EtcdDiscoveryAutoConfiguration}: no etcd runs, so the view starts
 * empty after its (short) request timeout. Every context binds mDNS to loopback.
 */
class EtcdDiscoveryAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(MdnsDiscoveryAutoConfiguration.class, EtcdDiscoveryAutoConfiguration.class,
						AutoServiceRegistrationAutoConfiguration.class, AutoServiceRegistrationConfiguration.class))
		.withPropertyValues("phanes.discovery.mdns.address=127.0.0.1", "spring.application.name=inventory",
				"phanes.discovery.etcd.endpoints=http://127.0.0.1:1", "phanes.discovery.etcd.request-timeout=100ms",
				"phanes.discovery.etcd.connect-timeout=100ms");

	@Test
	void usesMdnsUnlessTheTypeIsEtcd() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(MdnsTransport.class)
			.doesNotHaveBean(EtcdView.class)
			.doesNotHaveBean(EtcdServiceRegistry.class));
	}

	@Test
	void createsTheViewClientsRegistryAndRegistrationWhenTheTypeIsEtcd() {
		this.contextRunner
			.withPropertyValues("phanes.discovery.type=etcd", "phanes.discovery.etcd.hostname=127.0.0.1",
					"phanes.discovery.etcd.metadata.zone=a", "phanes.discovery.etcd.version=1.2")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(MdnsTransport.class)
					.hasSingleBean(EtcdView.class)
					.hasSingleBean(EtcdDiscoveryClient.class)
					.hasSingleBean(EtcdReactiveDiscoveryClient.class)
					.hasSingleBean(EtcdServiceRegistry.class)
					.hasSingleBean(EtcdDiscoveryHealthIndicator.class);
				EtcdRegistration registration = context.getBean(EtcdRegistration.class);
				assertThat(registration.getServiceId()).isEqualTo("inventory");
				assertThat(registration.getInstanceId()).matches("inventory-[0-9a-f-]{36}");
				assertThat(registration.getHost()).isEqualTo("127.0.0.1");
				assertThat(registration.getVersion()).isEqualTo("1.2");
				assertThat(registration.getMetadata()).containsEntry("zone", "a");
				assertThat(context.getBean(EtcdView.class).services()).isEmpty();
			});
	}

	@Test
	void takesTheConfigBlocksEndpointsWhenItHasNoneOfItsOwn() {
		this.contextRunner
			.withPropertyValues("phanes.discovery.etcd.endpoints=",
					"phanes.config.etcd.endpoints=http://10.1.2.3:2379,http://10.1.2.4:2379")
			.run((context) -> assertThat(
					EtcdDiscoveryAutoConfiguration.endpoints(new EtcdDiscoveryProperties(), context.getEnvironment()))
				.containsExactly("http://10.1.2.3:2379", "http://10.1.2.4:2379"));
		this.contextRunner.run((context) -> assertThat(
				EtcdDiscoveryAutoConfiguration.endpoints(new EtcdDiscoveryProperties(), context.getEnvironment()))
			.containsExactly(EtcdDiscoveryAutoConfiguration.DEFAULT_ENDPOINT));
	}

	@Test
	void failsOnAnInvalidValueNamingThePropertyAndWhatItMustBe() {
		this.contextRunner.withPropertyValues("phanes.discovery.type=etcd", "phanes.discovery.etcd.ttl=1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("phanes.discovery.etcd")
				.hasStackTraceContaining("'ttl'")
				.hasStackTraceContaining("at least 2s"));
		this.contextRunner.withPropertyValues("phanes.discovery.type=etcd", "phanes.discovery.etcd.prefix=micro")
			.run((context) -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining("'prefix'"));
	}

	@Test
	void refusesAServiceIdNoPeerCouldReadBack() {
		this.contextRunner.withPropertyValues("phanes.discovery.type=etcd", "phanes.discovery.etcd.service-id= ")
			.run((context) -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining("is blank"));
	}

}
