package dev.phanes.benchmarks;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariDataSource;
import dev.phanes.store.DefaultStore;
import dev.phanes.store.jpa.JpaStoreEngine;
import dev.phanes.store.jpa.JpaStoreSchema;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.persistence.EntityManagerFactory;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;

/**
 * Throughput of a {@link DefaultStore} on a {@link JpaStoreEngine} beside hand-written
 * JDBC on the same PostgreSQL server and table.
 * <p>
 * Each fork starts an embedded PostgreSQL (zonky), creates {@code phanes_store} with
 * {@link JpaStoreSchema#SCRIPT} and preloads {@value Workload#KEYS} rows of
 * {@value Workload#VALUE_BYTES} bytes for each side, under two {@code database_name}s of
 * the same table. JPA is set up by hand as Spring Boot would: a HikariCP pool, Hibernate
 * through {@link LocalContainerEntityManagerFactoryBean} with the store's entity added by
 * {@link JpaStoreSchema#addEntity}, and a {@link JpaTransactionManager}. The baseline
 * ({@link PostgresRecordDao}) borrows connections from the same pool and runs one
 * auto-committed statement per operation: an {@code INSERT ... ON CONFLICT DO UPDATE}, a
 * plain {@code SELECT} by primary key, a {@code LIKE} prefix query with {@code LIMIT}
 * {@value Workload#LIST_LIMIT}. Writes overwrite preloaded keys, so the table does not
 * grow.
 */
public class JpaStoreBenchmark extends SqlStoreBenchmark<PostgresRecordDao> {

	private static final String BASELINE_DATABASE = "baseline";

	private @Nullable EmbeddedPostgres postgres;

	private @Nullable HikariDataSource dataSource;

	private @Nullable LocalContainerEntityManagerFactoryBean entityManagerFactory;

	/**
	 * Start PostgreSQL, create and preload the table and set up JPA.
	 * @throws IOException if PostgreSQL cannot start
	 * @throws SQLException if PostgreSQL fails
	 */
	@Setup
	public void setUp() throws IOException, SQLException {
		this.postgres = EmbeddedPostgres.builder().start();
		this.dataSource = new HikariDataSource();
		this.dataSource.setJdbcUrl(this.postgres.getJdbcUrl("postgres", "postgres"));
		this.dataSource.setMaximumPoolSize(4);
		JpaStoreSchema.initializer(this.dataSource).initializeDatabase();
		try (Connection connection = this.dataSource.getConnection()) {
			workload().insertInto(connection, DefaultStore.DEFAULT_DATABASE);
			workload().insertInto(connection, BASELINE_DATABASE);
			try (Statement statement = connection.createStatement()) {
				statement.execute("VACUUM ANALYZE phanes_store");
			}
		}
		this.entityManagerFactory = new LocalContainerEntityManagerFactoryBean();
		this.entityManagerFactory.setDataSource(this.dataSource);
		this.entityManagerFactory.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
		this.entityManagerFactory.setManagedTypes(PersistenceManagedTypes.of());
		this.entityManagerFactory.setPersistenceUnitPostProcessors(JpaStoreSchema::addEntity);
		this.entityManagerFactory.afterPropertiesSet();
		EntityManagerFactory factory = this.entityManagerFactory.getObject();
		measure(new DefaultStore(
				new JpaStoreEngine(factory, new JpaTransactionManager(factory), JpaStoreEngine.Settings.DEFAULTS)),
				new PostgresRecordDao(this.dataSource, BASELINE_DATABASE));
	}

	/**
	 * Close JPA and the pool, and stop PostgreSQL.
	 * @throws IOException if PostgreSQL cannot be stopped
	 */
	@TearDown
	public void tearDown() throws IOException {
		try {
			if (this.entityManagerFactory != null) {
				this.entityManagerFactory.destroy();
			}
			if (this.dataSource != null) {
				this.dataSource.close();
			}
		}
		finally {
			if (this.postgres != null) {
				this.postgres.close();
			}
		}
	}

}
