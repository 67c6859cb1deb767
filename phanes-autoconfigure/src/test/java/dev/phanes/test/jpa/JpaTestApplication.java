package dev.phanes.test.jpa;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.phanes.store.jpa.JpaStoreEngine;
import dev.phanes.test.EmbeddedPostgresExtension;
import jakarta.persistence.EntityManagerFactory;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * An application with every auto-configuration on the test class path, in a package of
 * its own so that nothing of Phanes is found by scanning: the JPA store must register its
 * entity by itself.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class JpaTestApplication {

	/**
	 * Start the application on a PostgreSQL server with the JPA store.
	 * @param server the server
	 * @param properties more properties
	 * @return the running context
	 */
	public static ConfigurableApplicationContext run(EmbeddedPostgresExtension.Server server, String... properties) {
		return new SpringApplicationBuilder(JpaTestApplication.class).web(WebApplicationType.NONE)
			.properties("spring.datasource.url=" + server.jdbcUrl(), "spring.datasource.username=postgres",
					"spring.datasource.password=postgres", "phanes.store.type=jpa", "spring.main.banner-mode=off",
					"spring.jpa.open-in-view=false")
			.properties(properties)
			.run();
	}

	/**
	 * Create a JPA engine on the context's persistence unit with test settings: an
	 * isolation level of the test's choosing, and room for 20 attempts.
	 * @param context the running context
	 * @param isolation the isolation level
	 * @return the engine
	 */
	public static JpaStoreEngine jpaStoreEngine(ConfigurableApplicationContext context, int isolation) {
		JpaStoreEngine.Settings settings = new JpaStoreEngine.Settings(isolation, 20,
				JpaStoreEngine.Settings.DEFAULTS.initialBackoff(), JpaStoreEngine.Settings.DEFAULTS.maxBackoff());
		return new JpaStoreEngine(context.getBean(EntityManagerFactory.class),
				context.getBean(PlatformTransactionManager.class), settings);
	}

}
