package dev.phanes.discovery;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application is registered once its context is refreshed, after every lifecycle bean
 * (such as a gRPC server, started last) has started, and not when its web server starts:
 * a registration is published once, with what those beans put in its metadata.
 */
class RegistrationAfterRefreshIT {

	@Test
	void registersAfterTheLastLifecycleHasStartedWithWhatItAddedToTheMetadata() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(MdnsPeerApplication.class,
				LastToStart.class)
			.properties("spring.application.name=refresh-order", "server.port=0",
					"phanes.discovery.mdns.address=127.0.0.1", "spring.main.banner-mode=off")
			.run()) {
			LastToStart last = context.getBean(LastToStart.class);
			assertThat(last.registeredWhenStarted).as("registered names when the last lifecycle started")
				.containsExactly(List.of());
			MdnsServiceRegistry registry = context.getBean(MdnsServiceRegistry.class);
			assertThat(registry.registeredNames()).hasSize(1);
			MdnsRegistration registration = context.getBean(MdnsRegistration.class);
			assertThat(registration.getPort()).isPositive();
			assertThat(registration.getMetadata()).containsEntry("added-by", "last-lifecycle");
			assertThat(registry.conflicts()).isEmpty();
		}
	}

	/**
	 * Starts last, as Spring gRPC's server does, and puts an entry in the registration's
	 * metadata, as the gRPC port publisher does.
	 */
	@Configuration(proxyBeanMethods = false)
	static class LastToStart implements SmartLifecycle {

		final List<List<String>> registeredWhenStarted = new CopyOnWriteArrayList<>();

		private MdnsServiceRegistry registry;

		private MdnsRegistration registration;

		private volatile boolean running;

		@Override
		public void start() {
			this.registeredWhenStarted.add(this.registry.registeredNames());
			this.registration.getMetadata().put("added-by", "last-lifecycle");
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return Integer.MAX_VALUE;
		}

		@Autowired
		void inject(MdnsServiceRegistry registry, MdnsRegistration registration) {
			this.registry = registry;
			this.registration = registration;
		}

	}

}
