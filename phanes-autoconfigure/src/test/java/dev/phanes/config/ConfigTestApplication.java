package dev.phanes.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The application of the config tests: {@code config-it.yml} imports what
 * {@code config-it.import} names; it binds {@link ShopProperties} and {@link Limits} and
 * records reload observations in a {@link SimpleMeterRegistry}. It scans no packages.
 * Public for the etcd tests in {@code dev.phanes.config.etcd}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
@EnableConfigurationProperties({ ShopProperties.class, Limits.class })
public class ConfigTestApplication {

	@Bean
	@RefreshScope
	GreetingHolder greetingHolder(@Value("${shop.greeting}") String greeting) {
		return new GreetingHolder(greeting);
	}

	@Bean
	SimpleMeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	ObservationRegistry observationRegistry(MeterRegistry meterRegistry) {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meterRegistry));
		return registry;
	}

	/**
	 * A refresh-scoped bean: created again with the current greeting after a reload (a
	 * class, not a record, since the scope proxies it).
	 */
	public static class GreetingHolder {

		private final String greeting;

		GreetingHolder(String greeting) {
			this.greeting = greeting;
		}

		public String greeting() {
			return this.greeting;
		}

	}

	/**
	 * Start the application.
	 * @param environmentVariables variables the environment pretends to have
	 * @param args command line arguments
	 * @return the running context
	 */
	public static ConfigurableApplicationContext run(Map<String, Object> environmentVariables, String... args) {
		StandardEnvironment environment = new StandardEnvironment() {

			@Override
			protected void customizePropertySources(MutablePropertySources propertySources) {
				super.customizePropertySources(propertySources);
				Map<String, Object> variables = new LinkedHashMap<>(System.getenv());
				variables.putAll(environmentVariables);
				propertySources.replace(SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
			}

		};
		List<String> arguments = new java.util.ArrayList<>(List.of("--spring.config.name=config-it",
				"--phanes.discovery.enabled=false", "--phanes.config.etcd.request-timeout=1s",
				"--phanes.config.etcd.retry-interval=200ms", "--management.health.phanes-etcd-config.enabled=true"));
		arguments.addAll(List.of(args));
		return new SpringApplicationBuilder(ConfigTestApplication.class).web(WebApplicationType.NONE)
			.environment(environment)
			.run(arguments.toArray(String[]::new));
	}

}
