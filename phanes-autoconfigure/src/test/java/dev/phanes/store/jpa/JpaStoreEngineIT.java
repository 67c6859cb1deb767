package dev.phanes.store.jpa;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.store.DefaultStore;
import dev.phanes.store.DescribedStore;
import dev.phanes.store.Query;
import dev.phanes.store.StoreRecord;
import dev.phanes.store.Store;
import dev.phanes.store.StoreConformanceTests;
import dev.phanes.store.StoreEngine;
import dev.phanes.store.StoreOptions;
import dev.phanes.test.EmbeddedPostgresExtension;
import dev.phanes.test.jpa.JpaTestApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conformance suite on {@link JpaStoreEngine} against a real PostgreSQL, at the
 * database's default isolation (READ COMMITTED) and at SERIALIZABLE, through the
 * application context Boot's auto-configuration builds.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class JpaStoreEngineIT {

	static ConfigurableApplicationContext context;

	@BeforeAll
	static void startApplication(EmbeddedPostgresExtension.Server server) {
		context = JpaTestApplication.run(server);
	}

	@AfterAll
	static void stopApplication() {
		context.close();
	}

	static Store jpaStore(StoreOptions options, int isolation) {
		return new DefaultStore(JpaTestApplication.jpaStoreEngine(context, isolation), options);
	}

	@Test
	void autoConfiguredStoreWritesRowsOfPhanesStore() {
		Store store = context.getBean(Store.class);
		assertThat(context.getBean(StoreEngine.class)).isInstanceOf(JpaStoreEngine.class);
		assertThat(store).isInstanceOfSatisfying(DescribedStore.class,
				(described) -> assertThat(described.backend()).isEqualTo("jpa"));
		store.table("autoconfigured").write(StoreRecord.of("row", "in postgres"));
		JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
		String value = jdbc.queryForObject(
				"SELECT convert_from(record_value, 'UTF8') FROM phanes_store WHERE table_name = 'autoconfigured' AND record_key = 'row'",
				String.class);
		assertThat(value).isEqualTo("in postgres");
		String collation = jdbc.queryForObject(
				"SELECT collation_name FROM information_schema.columns WHERE table_name = 'phanes_store' AND column_name = 'record_key'",
				String.class);
		assertThat(collation).isEqualTo("C");
	}

	@Test
	void joinsTheCallersTransactionAndSeesItsOwnWrites() {
		Store store = context.getBean(Store.class).table("callers");
		TransactionTemplate callers = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		callers.executeWithoutResult((status) -> {
			store.write(StoreRecord.of("k", "one"));
			assertThat(store.read("k").orElseThrow().valueAsString()).isEqualTo("one");
			store.write(StoreRecord.of("k", "two"));
			assertThat(store.read("k").orElseThrow().version()).isEqualTo(2);
			assertThat(store.read(Query.all())).extracting(StoreRecord::valueAsString).containsExactly("two");
			status.setRollbackOnly();
		});
		assertThat(store.read("k")).isEmpty();
		callers.executeWithoutResult((status) -> store.write(StoreRecord.of("k", "committed")));
		assertThat(store.read("k").orElseThrow().valueAsString()).isEqualTo("committed");
	}

	@Nested
	class AtReadCommitted extends AtIsolation {

		AtReadCommitted() {
			super(TransactionDefinition.ISOLATION_DEFAULT);
		}

	}

	@Nested
	class AtSerializable extends AtIsolation {

		AtSerializable() {
			super(TransactionDefinition.ISOLATION_SERIALIZABLE);
		}

	}

	abstract static class AtIsolation extends StoreConformanceTests {

		private final int isolation;

		AtIsolation(int isolation) {
			this.isolation = isolation;
		}

		@Override
		protected Store createStore(StoreOptions options) {
			return jpaStore(options, this.isolation);
		}

		@Override
		protected int concurrentIncrements() {
			return 50;
		}

	}

}
