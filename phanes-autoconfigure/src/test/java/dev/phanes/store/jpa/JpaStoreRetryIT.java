package dev.phanes.store.jpa;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.store.DefaultStore;
import dev.phanes.store.Store;
import dev.phanes.store.StoreRecord;
import dev.phanes.test.EmbeddedPostgresExtension;
import dev.phanes.test.jpa.JpaTestApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Serialization failures on a real PostgreSQL at SERIALIZABLE, forced deterministically:
 * a JDBC transaction locks the row, the store's write queues behind it, the JDBC
 * transaction updates the row and commits, and PostgreSQL fails the store's transaction
 * with SQLSTATE 40001.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class JpaStoreRetryIT {

	static ConfigurableApplicationContext context;

	private JpaStoreEngine engine;

	private Store table;

	private JdbcTemplate jdbc;

	@BeforeAll
	static void startApplication(EmbeddedPostgresExtension.Server server) {
		context = JpaTestApplication.run(server, "phanes.store.jpa.isolation=serializable");
	}

	@AfterAll
	static void stopApplication() {
		context.close();
	}

	@BeforeEach
	void createStore() {
		this.engine = JpaTestApplication.jpaStoreEngine(context, TransactionDefinition.ISOLATION_SERIALIZABLE);
		this.table = new DefaultStore(this.engine).table("retry" + System.nanoTime());
		this.jdbc = new JdbcTemplate(context.getBean(DataSource.class));
	}

	@Test
	void serializationFailureOfItsOwnTransactionIsRetried() throws Exception {
		this.table.write(StoreRecord.of("k", "initial"));
		CompletableFuture<StoreRecord> write;
		try (Connection competitor = lockRow("k")) {
			write = CompletableFuture.supplyAsync(() -> this.table.write(StoreRecord.of("k", "from store")));
			awaitWaitingForLock();
			updateAndCommit(competitor, "k");
		}
		StoreRecord stored = write.get(30, TimeUnit.SECONDS);
		assertThat(this.engine.retries()).isEqualTo(1);
		assertThat(stored.version()).isEqualTo(3);
		assertThat(this.table.read("k").orElseThrow().valueAsString()).isEqualTo("from store");
	}

	@Test
	void serializationFailureInsideTheCallersTransactionPropagatesUnretried() throws Exception {
		this.table.write(StoreRecord.of("k", "initial"));
		TransactionTemplate callers = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		callers.setIsolationLevel(TransactionDefinition.ISOLATION_SERIALIZABLE);
		CompletableFuture<StoreRecord> write;
		try (Connection competitor = lockRow("k")) {
			write = CompletableFuture
				.supplyAsync(() -> callers.execute((status) -> this.table.write(StoreRecord.of("k", "from caller"))));
			awaitWaitingForLock();
			updateAndCommit(competitor, "k");
		}
		assertThatThrownBy(() -> write.get(30, TimeUnit.SECONDS)).rootCause()
			.hasMessageContaining("could not serialize access")
			.satisfies((ex) -> assertThat(((SQLException) ex).getSQLState()).isEqualTo("40001"));
		assertThat(this.engine.retries()).isZero();
		assertThat(this.table.read("k").orElseThrow().valueAsString()).isEqualTo("from jdbc");
	}

	private Connection lockRow(String key) throws SQLException {
		Connection connection = context.getBean(DataSource.class).getConnection();
		connection.setAutoCommit(false);
		connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
		try (PreparedStatement select = connection
			.prepareStatement("SELECT version FROM phanes_store WHERE table_name = ? AND record_key = ? FOR UPDATE")) {
			select.setString(1, this.table.table());
			select.setString(2, key);
			select.executeQuery().close();
		}
		return connection;
	}

	private void awaitWaitingForLock() {
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.jdbc.queryForObject(
					"SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%phanes_store%'",
					Integer.class) == 1);
	}

	private void updateAndCommit(Connection connection, String key) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement(
				"UPDATE phanes_store SET record_value = convert_to('from jdbc', 'UTF8'), version = version + 1 "
						+ "WHERE table_name = ? AND record_key = ?")) {
			update.setString(1, this.table.table());
			update.setString(2, key);
			assertThat(update.executeUpdate()).isEqualTo(1);
		}
		connection.commit();
	}

}
