package dev.phanes.benchmarks;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import dev.phanes.store.AbstractStore;
import dev.phanes.store.Query;
import dev.phanes.store.Record;
import dev.phanes.store.StoreOptions;
import dev.phanes.store.jpa.JpaStore;
import dev.phanes.store.jpa.JpaStoreSchema;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.persistence.EntityManagerFactory;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;

/**
 * Throughput of {@link JpaStore} beside hand-written JDBC on the same PostgreSQL server
 * and table.
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
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class JpaStoreBenchmark {

	private static final String BASELINE_DATABASE = "baseline";

	private final Workload workload = new Workload();

	private final Record[] records = new Record[Workload.KEYS];

	private final Query[] queries = new Query[Workload.KEYS / Workload.LIST_LIMIT];

	private @Nullable EmbeddedPostgres postgres;

	private @Nullable HikariDataSource dataSource;

	private @Nullable LocalContainerEntityManagerFactoryBean entityManagerFactory;

	private @Nullable JpaStore store;

	private @Nullable PostgresRecordDao baseline;

	/**
	 * Start PostgreSQL, create and preload the table, set up JPA and build the inputs.
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
			this.workload.insertInto(connection, AbstractStore.DEFAULT_DATABASE);
			this.workload.insertInto(connection, BASELINE_DATABASE);
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
		this.store = new JpaStore(factory, new JpaTransactionManager(factory), JpaStore.Settings.DEFAULTS,
				StoreOptions.defaults());
		this.baseline = new PostgresRecordDao(this.dataSource, BASELINE_DATABASE);
		for (int i = 0; i < Workload.KEYS; i++) {
			this.records[i] = Record.of(this.workload.key(i), this.workload.value());
		}
		for (int i = 0; i < this.queries.length; i++) {
			this.queries[i] = Query.prefix(this.workload.prefix(i)).withLimit(Workload.LIST_LIMIT);
		}
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

	/**
	 * Overwrite a record through the store.
	 * @return the record as stored
	 */
	@Benchmark
	public Record phanesWrite() {
		return store().write(this.records[this.workload.nextKey()]);
	}

	/**
	 * Overwrite a row with one upsert.
	 * @throws SQLException if PostgreSQL fails
	 */
	@Benchmark
	public void baselineWrite() throws SQLException {
		baseline().write(this.workload.key(this.workload.nextKey()), this.workload.value());
	}

	/**
	 * Read a present record through the store.
	 * @return the record
	 */
	@Benchmark
	public Optional<Record> phanesRead() {
		return store().read(this.workload.key(this.workload.nextKey()));
	}

	/**
	 * Read a present row with one {@code SELECT}.
	 * @return the row
	 * @throws SQLException if PostgreSQL fails
	 */
	@Benchmark
	public @Nullable Row baselineRead() throws SQLException {
		return baseline().read(this.workload.key(this.workload.nextKey()));
	}

	/**
	 * List the first keys with a prefix through the store.
	 * @return the keys
	 */
	@Benchmark
	public List<String> phanesList() {
		return store().list(this.queries[this.workload.nextPrefix()]);
	}

	/**
	 * List the first keys with a prefix with one {@code SELECT}.
	 * @return the keys
	 * @throws SQLException if PostgreSQL fails
	 */
	@Benchmark
	public List<String> baselineList() throws SQLException {
		return baseline().list(this.workload.prefix(this.workload.nextPrefix()), Workload.LIST_LIMIT);
	}

	private JpaStore store() {
		JpaStore store = this.store;
		if (store == null) {
			throw new IllegalStateException("Not set up");
		}
		return store;
	}

	private PostgresRecordDao baseline() {
		PostgresRecordDao baseline = this.baseline;
		if (baseline == null) {
			throw new IllegalStateException("Not set up");
		}
		return baseline;
	}

}
