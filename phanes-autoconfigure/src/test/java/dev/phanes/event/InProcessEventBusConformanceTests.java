package dev.phanes.event;

import java.time.Duration;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The conformance suite on the in-process bus as auto-configured
 * ({@code phanes.event.type=local}): within a service it behaves as every bus does, and
 * other services receive nothing.
 */
class InProcessEventBusConformanceTests extends EventBusConformanceTests {

	@Override
	protected ConfigurableApplicationContext start(String name, String... arguments) {
		return run(name, (context) -> {
		}, arguments);
	}

	@Override
	protected long carried(String topic) {
		return 0;
	}

	@Override
	protected boolean carriesBetweenServices() {
		return false;
	}

	@Override
	protected boolean limitsSize() {
		return false;
	}

	@Override
	protected Duration quietPeriod() {
		return Duration.ofMillis(200);
	}

	/**
	 * Start a service with the event auto-configuration, a meter registry and observation
	 * into it.
	 * @param name the application name
	 * @param initializer what to do to the context before it refreshes
	 * @param arguments more properties
	 * @return the running context
	 */
	static ConfigurableApplicationContext run(String name,
			ApplicationContextInitializer<ConfigurableApplicationContext> initializer, String... arguments) {
		String[] all = Stream.concat(Stream.of("--spring.application.name=" + name, "--spring.main.banner-mode=off",
				"--spring.main.log-startup-info=false"), Stream.of(arguments))
			.toArray(String[]::new);
		return new SpringApplicationBuilder(Service.class).web(WebApplicationType.NONE)
			.initializers(initializer)
			.run(all);
	}

	@SpringBootConfiguration
	@ImportAutoConfiguration(EventAutoConfiguration.class)
	static class Service {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		ObservationRegistry observationRegistry(MeterRegistry meters) {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
			return registry;
		}

	}

}
