package dev.phanes.store;

import java.time.Clock;

import javax.sql.DataSource;

import io.micrometer.observation.ObservationRegistry;
import jakarta.persistence.EntityManagerFactory;
import tools.jackson.databind.json.JsonMapper;

import dev.phanes.observation.DocumentedObservations;
import dev.phanes.store.file.FileStoreEngine;
import dev.phanes.store.jpa.JpaStoreEngine;
import dev.phanes.store.jpa.JpaStoreSchema;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.jpa.autoconfigure.EntityManagerFactoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.jpa.repository.support.JpaRepositoryFactory;
import org.springframework.orm.jpa.JpaTransactionManager;

/**
 * Auto-configuration of the Phanes {@link Store}: a {@link DefaultStore} on the
 * {@link StoreEngine} chosen by {@code phanes.store.type} (memory by default), a purger
 * of expired records, observation of every {@code Store} bean and a {@link JsonStore} on
 * the application's Jackson mapper. An application's own {@code StoreEngine} bean
 * replaces Phanes' engine under the same {@code DefaultStore}; its own {@code Store} bean
 * replaces both, and is observed too.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnPhanesStoreEnabled
@EnableConfigurationProperties(StoreProperties.class)
public final class StoreAutoConfiguration {

	/**
	 * The observations of this block, for the collectors to describe and cap.
	 * @return them
	 */
	@Bean
	static DocumentedObservations phanesStoreObservations() {
		return DocumentedObservations.of(StoreObservation.values());
	}

	private final StoreProperties properties;

	StoreAutoConfiguration(StoreProperties properties) {
		this.properties = properties;
	}

	/**
	 * Binds {@code phanes.store.*} before any bean exists, so that an invalid value (an
	 * unknown {@code phanes.store.type}) fails start-up as the binding failure it is,
	 * naming the property and the accepted values, rather than as a missing {@link Store}
	 * in whichever application bean asks for one first.
	 */
	@Bean
	static BeanFactoryPostProcessor phanesStorePropertiesCheck(Environment environment) {
		return (beanFactory) -> Binder.get(environment).bind("phanes.store", StoreProperties.class);
	}

	/**
	 * Observes every {@link Store} bean, the application's own included.
	 * @param observationRegistry the registry, if there is one
	 * @param convention the application's convention, if it has one
	 * @return the post-processor
	 */
	@Bean
	static ObservedStorePostProcessor phanesObservedStorePostProcessor(
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<StoreObservationConvention> convention) {
		return new ObservedStorePostProcessor(observationRegistry, convention);
	}

	@Bean
	@ConditionalOnMissingBean
	StoreExpiryPurger storeExpiryPurger(Store store) {
		return new StoreExpiryPurger(store, this.properties.getPurgeInterval());
	}

	@Bean
	@ConditionalOnMissingBean(Store.class)
	Store phanesStore(StoreEngine engine) {
		StoreOptions options = new StoreOptions(this.properties.getMaxValueSize().toBytes(), Clock.systemUTC());
		return new DefaultStore(engine, options).database(this.properties.getDatabase())
			.table(this.properties.getTable());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "phanes.store.type", havingValue = "memory", matchIfMissing = true)
	static class MemoryStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean({ StoreEngine.class, Store.class })
		MemoryStoreEngine memoryStoreEngine() {
			return new MemoryStoreEngine();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "phanes.store.type", havingValue = "file")
	@ConditionalOnClass(name = "org.sqlite.JDBC")
	static class FileStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean({ StoreEngine.class, Store.class })
		FileStoreEngine fileStoreEngine(StoreProperties properties) {
			return new FileStoreEngine(properties.getFile().getPath());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "phanes.store.type", havingValue = "file")
	@ConditionalOnMissingClass("org.sqlite.JDBC")
	static class MissingSqliteConfiguration {

		@Bean
		@ConditionalOnMissingBean({ StoreEngine.class, Store.class })
		StoreEngine fileStoreEngine() {
			throw new StoreBackendUnavailableException("file", "the SQLite JDBC driver",
					"add the dependency org.xerial:sqlite-jdbc");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "phanes.store.type", havingValue = "jpa")
	@Conditional(JpaMissingCondition.class)
	static class MissingJpaConfiguration {

		@Bean
		@ConditionalOnMissingBean({ StoreEngine.class, Store.class })
		StoreEngine jpaStoreEngine() {
			throw new StoreBackendUnavailableException("jpa", "JPA and Spring Data JPA",
					"add the dependencies org.springframework.boot:spring-boot-starter-data-jpa and "
							+ "org.postgresql:postgresql, and set spring.datasource.url");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "phanes.store.type", havingValue = "jpa")
	@ConditionalOnClass({ EntityManagerFactory.class, JpaRepositoryFactory.class,
			EntityManagerFactoryBuilderCustomizer.class })
	static class JpaStoreConfiguration {

		@Bean
		EntityManagerFactoryBuilderCustomizer phanesStoreEntityCustomizer() {
			return (builder) -> builder.setPersistenceUnitPostProcessors(JpaStoreSchema::addEntity);
		}

		@Bean
		@ConditionalOnBean(DataSource.class)
		@ConditionalOnProperty(name = "phanes.store.jpa.schema", havingValue = "create", matchIfMissing = true)
		DataSourceScriptDatabaseInitializer phanesStoreSchemaInitializer(DataSource dataSource) {
			return JpaStoreSchema.initializer(dataSource);
		}

		@Bean
		@ConditionalOnMissingBean({ StoreEngine.class, Store.class })
		JpaStoreEngine jpaStoreEngine(StoreProperties properties,
				ObjectProvider<EntityManagerFactory> entityManagerFactory, ObjectProvider<DataSource> dataSource) {
			EntityManagerFactory factory = entityManagerFactory.getIfAvailable();
			if (factory == null) {
				throw new StoreBackendUnavailableException("jpa", "an EntityManagerFactory, and none is configured",
						"set spring.datasource.url (e.g. jdbc:postgresql://localhost:26257/app?sslmode=disable) "
								+ "and add the dependency org.postgresql:postgresql");
			}
			StoreProperties.Jpa jpa = properties.getJpa();
			if (jpa.getSchema() == StoreProperties.Jpa.Schema.VALIDATE) {
				JpaStoreSchema.validate(dataSource.getObject());
			}
			JpaStoreEngine.Settings settings = new JpaStoreEngine.Settings(jpa.getIsolation().level(),
					jpa.getRetry().getMaxAttempts(), jpa.getRetry().getInitialBackoff(),
					jpa.getRetry().getMaxBackoff());
			// A transaction manager of its own: the application's may be another kind
			// (Kafka, JDBC), and the store's transactions are JPA transactions on this
			// unit.
			return new JpaStoreEngine(factory, new JpaTransactionManager(factory), settings);
		}

	}

	/**
	 * Matches when any of the classes the JPA store needs is missing.
	 */
	static class JpaMissingCondition extends NoneNestedConditions {

		JpaMissingCondition() {
			super(ConfigurationPhase.PARSE_CONFIGURATION);
		}

		@ConditionalOnClass({ EntityManagerFactory.class, JpaRepositoryFactory.class,
				EntityManagerFactoryBuilderCustomizer.class })
		static class JpaPresent {

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	static class JsonStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(JsonMapper.class)
		JsonStore jsonStore(Store store, JsonMapper jsonMapper) {
			return new JsonStore(store, jsonMapper);
		}

	}

}
