package dev.phanes.discovery;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationAutoConfiguration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link MdnsDiscoveryAutoConfiguration}. Every context binds mDNS to loopback.
 */
class MdnsDiscoveryAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MdnsDiscoveryAutoConfiguration.class,
				AutoServiceRegistrationAutoConfiguration.class, AutoServiceRegistrationConfiguration.class))
		.withPropertyValues("phanes.discovery.mdns.address=127.0.0.1", "spring.application.name=inventory");

	@Test
	void failsOnAnInvalidValueNamingThePropertyAndWhatItMustBe() {
		this.contextRunner.withPropertyValues("phanes.discovery.mdns.max-instances=-1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("phanes.discovery.mdns")
				.hasStackTraceContaining("'maxInstances'")
				.hasStackTraceContaining("must be at least 1"));
	}

	@Test
	void createsClientsRegistryAndRegistrationOnLoopback() {
		this.contextRunner.withPropertyValues("phanes.discovery.mdns.metadata.zone=a").run((context) -> {
			assertThat(context).hasSingleBean(MdnsTransport.class)
				.hasSingleBean(MdnsView.class)
				.hasSingleBean(MdnsDiscoveryClient.class)
				.hasSingleBean(MdnsReactiveDiscoveryClient.class)
				.hasSingleBean(MdnsServiceRegistry.class);
			assertThat(context.getBean(MdnsTransport.class).address().getHostAddress()).isEqualTo("127.0.0.1");
			assertThat(context.getBean(MdnsTransport.class).networkInterface().isLoopback()).isTrue();
			MdnsRegistration registration = context.getBean(MdnsRegistration.class);
			assertThat(registration.getServiceId()).isEqualTo("inventory");
			assertThat(registration.getInstanceId()).matches("inventory-[0-9a-f]{12}");
			assertThat(registration.getHost()).isEqualTo("127.0.0.1");
			assertThat(registration.getMetadata()).containsEntry("zone", "a");
		});
	}

	@Test
	void registrationTakesConfiguredIds() {
		this.contextRunner
			.withPropertyValues("phanes.discovery.mdns.service-id=Orders", "phanes.discovery.mdns.instance-id=orders-1",
					"phanes.discovery.mdns.hostname=orders.example", "phanes.discovery.mdns.secure=true")
			.run((context) -> {
				MdnsRegistration registration = context.getBean(MdnsRegistration.class);
				assertThat(registration.getServiceId()).isEqualTo("orders");
				assertThat(registration.getInstanceId()).isEqualTo("orders-1");
				assertThat(registration.getHost()).isEqualTo("orders.example");
				assertThat(registration.getUri()).hasToString("https://orders.example:0");
			});
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("phanes.discovery.mdns.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MdnsTransport.class));
		this.contextRunner.withPropertyValues("phanes.discovery.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MdnsTransport.class));
		this.contextRunner.withPropertyValues("spring.cloud.discovery.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MdnsTransport.class));
	}

	@Test
	void otherDiscoveryClientsCanReplaceOrJoinIt() {
		this.contextRunner.withPropertyValues("spring.cloud.discovery.blocking.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MdnsDiscoveryClient.class)
				.hasSingleBean(MdnsReactiveDiscoveryClient.class));
		this.contextRunner.withUserConfiguration(UserDiscoveryClient.class)
			.run((context) -> assertThat(context).hasSingleBean(MdnsDiscoveryClient.class)
				.getBeans(DiscoveryClient.class)
				.hasSize(2));
	}

	@Test
	void autoRegistrationCanBeTurnedOff() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(MdnsAutoServiceRegistration.class));
		this.contextRunner.withPropertyValues("spring.cloud.service-registry.auto-registration.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(MdnsAutoServiceRegistration.class)
				.hasSingleBean(MdnsServiceRegistry.class));
	}

	@Test
	void invalidServiceIdFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("spring.application.name=Order_Service")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("Service id 'Order_Service' (from spring.application.name")
				.hasMessageContaining("phanes.discovery.mdns.service-id"));
		this.contextRunner.withPropertyValues("phanes.discovery.mdns.instance-id=a.b")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("phanes.discovery.mdns.instance-id"));
	}

	@Test
	void addressOfAnotherHostFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("phanes.discovery.mdns.address=198.51.100.7")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("phanes.discovery.mdns.address 198.51.100.7 is not an address of this host"));
		this.contextRunner
			.withPropertyValues("phanes.discovery.mdns.address=", "phanes.discovery.mdns.network-interface=nosuch0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("phanes.discovery.mdns.network-interface nosuch0 does not exist"));
	}

	@Test
	void interfaceByName() {
		this.contextRunner
			.withPropertyValues("phanes.discovery.mdns.address=", "phanes.discovery.mdns.network-interface=lo")
			.run((context) -> assertThat(context.getBean(MdnsTransport.class).address().getHostAddress())
				.isEqualTo("127.0.0.1"));
	}

	@Test
	void ttlBelowFourSecondsFails() {
		this.contextRunner.withPropertyValues("phanes.discovery.mdns.ttl=3s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("phanes.discovery.mdns.ttl must be at least 4s"));
	}

	@Test
	void healthShowsSocketAndView() {
		this.contextRunner.run((context) -> {
			Health health = context.getBean(MdnsHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("address", "127.0.0.1")
				.containsEntry("interface", "lo")
				.containsKeys("services", "instances", "recordTtlSeconds", "registered", "conflicts");
			context.getBean(MdnsTransport.class).close();
			assertThat(context.getBean(MdnsHealthIndicator.class).health(false).getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void metersAreBound() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(MdnsDiscoveryMetrics.class).bindTo(registry);
			assertThat(registry.get("phanes.discovery.instances").gauge()).isNotNull();
			assertThat(registry.get("phanes.discovery.ignored").functionCounter()).isNotNull();
			assertThat(registry.get("phanes.discovery.announcements").tags("kind", "goodbye").functionCounter())
				.isNotNull();
			// changes are counted by the phanes.discovery.change timer only
			assertThat(registry.find("phanes.discovery.changes").meters()).isEmpty();
		});
	}

	@Test
	void changesOfTheViewAreCountedByTheChangeTimer() {
		MeterRegistry meters = new SimpleMeterRegistry();
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		String serviceId = "counted-" + Long.toHexString(System.nanoTime());
		this.contextRunner.withBean(ObservationRegistry.class, () -> observations).run((context) -> {
			MdnsView view = context.getBean(MdnsView.class);
			MdnsServiceRegistry registry = context.getBean(MdnsServiceRegistry.class);
			MdnsRegistration registration = new MdnsRegistration(serviceId, "node-1", "127.0.0.1", 8081, false,
					Map.of());
			registry.register(registration);
			await().atMost(Duration.ofSeconds(5)).until(() -> !view.instances(serviceId).isEmpty());
			// "mixed" if a peer on loopback changed in the same sweep
			await().atMost(Duration.ofSeconds(1))
				.untilAsserted(() -> assertThat(changes(meters, "added", "mixed")).isPositive());
			long before = changes(meters, "removed", "mixed");
			registry.deregister(registration);
			await().atMost(Duration.ofSeconds(5)).until(() -> view.instances(serviceId).isEmpty());
			await().atMost(Duration.ofSeconds(1))
				.untilAsserted(() -> assertThat(changes(meters, "removed", "mixed")).isGreaterThan(before));
		});
	}

	private static long changes(MeterRegistry meters, String... kinds) {
		long count = 0;
		for (String kind : kinds) {
			Timer timer = meters.find("phanes.discovery.change").tag("change", kind).timer();
			count += (timer != null) ? timer.count() : 0;
		}
		return count;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserDiscoveryClient {

		@Bean
		DiscoveryClient staticDiscoveryClient() {
			return new SimpleDiscoveryClient(new SimpleDiscoveryProperties());
		}

	}

}
