package dev.phanes.store;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.phanes.store.file.FileStoreEngine;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StoreAutoConfiguration} and {@link StoreHealthAutoConfiguration}.
 */
class StoreAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StoreAutoConfiguration.class, StoreHealthAutoConfiguration.class));

	@TempDir
	Path directory;

	@Test
	void failsOnAnInvalidValueNamingThePropertyAndWhatItMustBe() {
		this.contextRunner.withPropertyValues("phanes.store.jpa.retry.max-attempts=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("phanes.store")
				.hasStackTraceContaining("'jpa.retry.maxAttempts'")
				.hasStackTraceContaining("must be at least 1"));
	}

	@Test
	void usesMemoryStoreByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(Store.class)
				.hasSingleBean(StoreExpiryPurger.class)
				.hasSingleBean(MemoryStoreEngine.class);
			Store store = context.getBean(Store.class);
			assertThat(store).isInstanceOf(DefaultStore.class);
			assertThat(((DefaultStore) store).engine()).isSameAs(context.getBean(StoreEngine.class));
			assertThat(store.database()).isEqualTo("phanes");
			assertThat(store.table()).isEqualTo("default");
			assertThat(context.getBean(StoreExpiryPurger.class).isRunning()).isTrue();
		});
	}

	@Test
	void scopesTheStoreBeanToTheConfiguredDatabaseAndTable() {
		this.contextRunner.withPropertyValues("phanes.store.database=orders", "phanes.store.table=open")
			.run((context) -> {
				Store store = context.getBean(Store.class);
				assertThat(store.database()).isEqualTo("orders");
				assertThat(store.table()).isEqualTo("open");
			});
	}

	@Test
	void failsOnAnInvalidTableName() {
		this.contextRunner.withPropertyValues("phanes.store.table=no spaces")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidNameException.class)
				.hasMessageContaining("no spaces"));
	}

	@Test
	void anUnknownTypeFailsAsABindingFailureEvenWhenAnApplicationBeanNeedsTheStoreFirst() {
		this.contextRunner.withUserConfiguration(NeedsStore.class)
			.withPropertyValues("phanes.store.type=redis")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.isInstanceOf(BindException.class)
				.hasMessageContaining("phanes.store")
				.hasStackTraceContaining("redis"));
	}

	@Test
	void failsOnAnUnknownBackendNamingTheProperty() {
		this.contextRunner.withPropertyValues("phanes.store.type=redis")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("phanes.store.type")
				.hasStackTraceContaining("redis"));
	}

	@Test
	void failsOnANonPositiveMaximumValueSizeOrPurgeInterval() {
		this.contextRunner.withPropertyValues("phanes.store.max-value-size=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("phanes.store.max-value-size must be positive"));
		this.contextRunner.withPropertyValues("phanes.store.purge-interval=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("phanes.store.purge-interval must be positive"));
	}

	@Test
	void appliesTheMaximumValueSize() {
		this.contextRunner.withPropertyValues("phanes.store.max-value-size=1KB").run((context) -> {
			Store store = context.getBean(Store.class);
			store.write(StoreRecord.of("fits", new byte[1024]));
			org.assertj.core.api.Assertions.assertThatExceptionOfType(ValueTooLargeException.class)
				.isThrownBy(() -> store.write(StoreRecord.of("too-big", new byte[1025])));
		});
	}

	@Test
	void usesFileStoreWhenTypeIsFile() {
		Path path = this.directory.resolve("store.db");
		this.contextRunner.withPropertyValues("phanes.store.type=file", "phanes.store.file.path=" + path)
			.run((context) -> {
				Store store = context.getBean(Store.class);
				assertThat(context).hasSingleBean(FileStoreEngine.class);
				assertThat(((DefaultStore) store).engine()).isSameAs(context.getBean(FileStoreEngine.class));
				assertThat(context.getBean(FileStoreEngine.class).path()).isEqualTo(path.toAbsolutePath());
				store.write(StoreRecord.of("k", "v"));
			});
		assertThat(path).exists();
	}

	@Test
	void fileStoreWithoutSqliteFailsWithWhatToAdd() {
		this.contextRunner.withPropertyValues("phanes.store.type=file")
			.withClassLoader(new FilteredClassLoader("org.sqlite"))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(StoreBackendUnavailableException.class)
				.hasMessageContaining("org.xerial:sqlite-jdbc"));
	}

	@Test
	void jpaStoreWithoutJpaFailsWithWhatToAdd() {
		this.contextRunner.withPropertyValues("phanes.store.type=jpa")
			.withClassLoader(new FilteredClassLoader("jakarta.persistence"))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(StoreBackendUnavailableException.class)
				.hasMessageContaining("spring-boot-starter-data-jpa")
				.hasMessageContaining("org.postgresql:postgresql"));
	}

	@Test
	void jpaStoreWithoutDataSourceFailsWithWhatToSet() {
		this.contextRunner.withPropertyValues("phanes.store.type=jpa")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(StoreBackendUnavailableException.class)
				.hasMessageContaining("spring.datasource.url"));
	}

	@Test
	void failureAnalyzerSaysWhatToDo() {
		FailureAnalysis analysis = new StoreBackendFailureAnalyzer().analyze(new StoreBackendUnavailableException(
				"file", "the SQLite JDBC driver", "add the dependency org.xerial:sqlite-jdbc"));
		assertThat(analysis.getDescription()).contains("phanes.store.type=file");
		assertThat(analysis.getAction()).contains("org.xerial:sqlite-jdbc").contains("phanes.store.type");
	}

	@Test
	void backsOffWhenUserDefinesStore() {
		this.contextRunner.withUserConfiguration(UserStoreConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(Store.class);
			assertThat(context.getBean(Store.class)).isSameAs(context.getBean("userStore"));
		});
	}

	@Test
	void definesNoStoreWhenDisabled() {
		this.contextRunner.withPropertyValues("phanes.store.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Store.class)
				.doesNotHaveBean(StoreHealthIndicator.class));
	}

	@Test
	void definesJsonStoreOnTheApplicationsJsonMapper() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class)).run((context) -> {
			JsonStore json = context.getBean(JsonStore.class);
			json.write("point", new Point(1, 2));
			json.write("point2", new Point(3, 4));
			assertThat(json.read("point", Point.class)).contains(new Point(1, 2));
			assertThat(json.read(Query.prefix("point"), Point.class)).containsExactly(new Point(1, 2), new Point(3, 4));
			assertThat(json.list(Query.all())).containsExactly("point", "point2");
			assertThat(json.delete("point2")).isTrue();
			assertThat(json.table("other").read("point", Point.class)).isEmpty();
			assertThat(context.getBean(Store.class).read("point").orElseThrow().valueAsString())
				.isEqualTo("{\"x\":1,\"y\":2}");
		});
	}

	@Test
	void jsonStoreReportsValuesThatAreNotJsonOfTheType() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class)).run((context) -> {
			context.getBean(Store.class).write(StoreRecord.of("broken", "{not json"));
			org.assertj.core.api.Assertions.assertThatExceptionOfType(StoreException.class)
				.isThrownBy(() -> context.getBean(JsonStore.class).read("broken", Point.class))
				.withMessageContaining("broken")
				.withMessageContaining(Point.class.getName());
		});
	}

	@Test
	void reportsHealthOfTheStore() {
		this.contextRunner.run((context) -> {
			StoreHealthIndicator health = context.getBean(StoreHealthIndicator.class);
			assertThat(health.health().getStatus().getCode()).isEqualTo("UP");
			assertThat(health.health().getDetails()).containsEntry("backend", "memory")
				.containsEntry("table", "default");
		});
	}

	@Test
	void healthIsDownWhenTheEngineFails() {
		Path path = this.directory.resolve("store.db");
		this.contextRunner.withPropertyValues("phanes.store.type=file", "phanes.store.file.path=" + path)
			.run((context) -> {
				context.getBean(FileStoreEngine.class).close();
				assertThat(context.getBean(StoreHealthIndicator.class).health().getStatus().getCode())
					.isEqualTo("DOWN");
			});
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.phanes-store.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(Store.class)
				.doesNotHaveBean(StoreHealthIndicator.class));
	}

	@Test
	void observesOperationsWithBackendAndOperationTags() {
		this.contextRunner.withUserConfiguration(ObservationConfiguration.class).run((context) -> {
			Store store = context.getBean(Store.class);
			store.write(StoreRecord.of("k", "v"));
			store.read("k");
			store.read("k");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("phanes.store").tag("backend", "memory").tag("operation", "read").timer().count())
				.isEqualTo(2);
			assertThat(meters.get("phanes.store").tag("operation", "write").tag("error", "none").timer().count())
				.isEqualTo(1);
			org.assertj.core.api.Assertions.assertThatExceptionOfType(VersionConflictException.class)
				.isThrownBy(() -> store.write(StoreRecord.of("k", "stale"), WriteOptions.ifVersion(7)));
			assertThat(meters.get("phanes.store")
				.tag("operation", "write")
				.tag("outcome", "conflict")
				.tag("error", "none")
				.timer()
				.count()).isEqualTo(1);
			assertThat(meters.get("phanes.store")
				.tag("outcome", "success")
				.timers()
				.stream()
				.mapToLong(io.micrometer.core.instrument.Timer::count)
				.sum()).isEqualTo(3);
		});
	}

	@Test
	void backsOffItsEngineWhenUserDefinesStore() {
		this.contextRunner.withUserConfiguration(UserStoreConfiguration.class)
			.withPropertyValues("phanes.store.type=file", "phanes.store.file.path=" + this.directory.resolve("x.db"))
			.run((context) -> assertThat(context).doesNotHaveBean(StoreEngine.class));
		assertThat(this.directory.resolve("x.db")).doesNotExist();
	}

	@Test
	void putsTheDefaultStoreOnAUsersEngine() {
		this.contextRunner.withUserConfiguration(UserEngineConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(StoreEngine.class).doesNotHaveBean(MemoryStoreEngine.class);
			Store store = context.getBean(Store.class);
			assertThat(((DefaultStore) store).engine()).isSameAs(context.getBean("userEngine"));
			assertThat(((DescribedStore) store).backend()).isEqualTo("user-engine");
			org.assertj.core.api.Assertions.assertThatExceptionOfType(InvalidKeyException.class)
				.isThrownBy(() -> store.write(StoreRecord.of("", "validated by the default store")));
		});
	}

	@Test
	void observesAUsersOwnStoreBean() {
		this.contextRunner.withUserConfiguration(UndescribedStoreConfiguration.class, ObservationConfiguration.class)
			.run((context) -> {
				Store store = context.getBean(Store.class);
				assertThat(store).isInstanceOf(UserStore.class);
				assertThat(AopUtils.isCglibProxy(store)).isTrue();
				store.write(StoreRecord.of("k", "v"));
				store.table("other").read("k");
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(
						meters.get("phanes.store").tag("backend", "custom").tag("operation", "write").timer().count())
					.isEqualTo(1);
				assertThat(meters.get("phanes.store").tag("backend", "custom").tag("operation", "read").timer().count())
					.isEqualTo(1);
			});
	}

	@Test
	void usesTheApplicationsStoreObservationConvention() {
		this.contextRunner
			.withUserConfiguration(ObservationConfiguration.class, UndescribedStoreConfiguration.class,
					ConventionConfiguration.class)
			.run((context) -> {
				context.getBean(Store.class).write(StoreRecord.of("k", "v"));
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("user.store").tag("backend", "custom").timer().count()).isEqualTo(1);
				assertThat(meters.find("phanes.store").timers()).isEmpty();
			});
	}

	@Test
	void observesAStoreObservedAlreadyOnlyOnce() {
		this.contextRunner.withUserConfiguration(ObservationConfiguration.class, ObservedStoreConfiguration.class)
			.run((context) -> {
				Store store = context.getBean(Store.class);
				assertThat(store).isSameAs(context.getBean(ObservedStoreConfiguration.class).observed);
				store.write(StoreRecord.of("k", "v"));
				assertThat(context.getBean(MeterRegistry.class).get("phanes.store").timer().count()).isEqualTo(1);
			});
	}

	@Test
	void passesTheStoresExceptionsThroughWhenItsObservationIsTurnedOff() {
		this.contextRunner.withUserConfiguration(ObservationConfiguration.class)
			.withBean("phanesStoreOff", ObservationPredicateCustomizer.class,
					() -> (registry) -> registry.observationConfig()
						.observationPredicate((name, context) -> !name.equals("phanes.store")))
			.run((context) -> {
				Store store = context.getBean(Store.class);
				store.write(StoreRecord.of("k", "v"));
				org.assertj.core.api.Assertions.assertThatExceptionOfType(InvalidKeyException.class)
					.isThrownBy(() -> store.read(""));
				org.assertj.core.api.Assertions.assertThatExceptionOfType(VersionConflictException.class)
					.isThrownBy(() -> store.write(StoreRecord.of("k", "stale"), WriteOptions.ifVersion(7)));
				assertThat(context.getBean(MeterRegistry.class).find("phanes.store").timers()).isEmpty();
			});
	}

	@Test
	void leavesAStoreThatCannotPurgeUnpurgedAndReportsItsBasicHealth() {
		this.contextRunner.withUserConfiguration(UndescribedStoreConfiguration.class).run((context) -> {
			assertThat(context.getBean(StoreExpiryPurger.class).isRunning()).isFalse();
			assertThat(context.getBean(StoreHealthIndicator.class).health().getDetails())
				.containsEntry("backend", DescribedStore.UNDESCRIBED)
				.containsEntry("database", "phanes")
				.containsEntry("table", "default");
		});
	}

	@Test
	void purgesAndDescribesThroughTheObservingDecorator() {
		this.contextRunner.withUserConfiguration(ObservationConfiguration.class).run((context) -> {
			Store store = context.getBean(Store.class);
			assertThat(store).isInstanceOf(ObservedStore.class).isInstanceOf(PurgeableStore.class);
			assertThat(context.getBean(StoreExpiryPurger.class).isRunning()).isTrue();
			assertThat(context.getBean(StoreHealthIndicator.class).health().getDetails()).containsEntry("backend",
					"memory");
		});
	}

	@Test
	void propertyDefaultsAgreeWithTheStoreDefaults() {
		StoreProperties properties = new StoreProperties();
		assertThat(properties.getMaxValueSize().toBytes()).isEqualTo(StoreOptions.defaults().maxValueBytes());
		assertThat(properties.getDatabase()).isEqualTo(StoreEngine.Scope.DEFAULT.database());
		assertThat(properties.getTable()).isEqualTo(StoreEngine.Scope.DEFAULT.table());
	}

	record Point(int x, int y) {
	}

	@Configuration(proxyBeanMethods = false)
	static class UserStoreConfiguration {

		@Bean
		Store userStore() {
			return new DefaultStore(new MemoryStoreEngine()).table("mine");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UndescribedStoreConfiguration {

		@Bean
		Store userStore() {
			return new UserStore(new DefaultStore(new MemoryStoreEngine()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserEngineConfiguration {

		@Bean
		StoreEngine userEngine() {
			return new UserEngine();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConventionConfiguration {

		@Bean
		StoreObservationConvention userStoreObservationConvention() {
			return new DefaultStoreObservationConvention() {

				@Override
				public String getName() {
					return "user.store";
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ObservedStoreConfiguration {

		Store observed;

		@Bean
		Store userStore(ObservationRegistry registry) {
			this.observed = ObservedStore.observe(new DefaultStore(new MemoryStoreEngine()), registry);
			return this.observed;
		}

	}

	/**
	 * An engine of the application's own: the memory engine under another name.
	 */
	static class UserEngine implements StoreEngine {

		private final MemoryStoreEngine memory = new MemoryStoreEngine();

		@Override
		public String backend() {
			return "user-engine";
		}

		@Override
		public @Nullable StoreRecord read(Scope scope, String key, Clock clock) {
			return this.memory.read(scope, key, clock);
		}

		@Override
		public List<StoreRecord> read(Scope scope, Query query, Clock clock) {
			return this.memory.read(scope, query, clock);
		}

		@Override
		public List<String> list(Scope scope, Query query, Clock clock) {
			return this.memory.list(scope, query, clock);
		}

		@Override
		public StoreRecord write(Scope scope, Write write, Clock clock) {
			return this.memory.write(scope, write, clock);
		}

		@Override
		public boolean delete(Scope scope, String key, @Nullable Long expectedVersion, Clock clock) {
			return this.memory.delete(scope, key, expectedVersion, clock);
		}

		@Override
		public int purgeExpired(Clock clock) {
			return this.memory.purgeExpired(clock);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ObservationConfiguration {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		ObservationRegistry observationRegistry(MeterRegistry meterRegistry,
				ObjectProvider<ObservationPredicateCustomizer> customizers) {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meterRegistry));
			customizers.forEach((customizer) -> customizer.customize(registry));
			return registry;
		}

	}

	/**
	 * A change to the test's observation registry.
	 */
	interface ObservationPredicateCustomizer {

		void customize(ObservationRegistry registry);

	}

	@Configuration(proxyBeanMethods = false)
	static class NeedsStore {

		@Bean
		String needsStore(Store store) {
			return "uses " + store;
		}

	}

}
