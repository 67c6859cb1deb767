package dev.phanes.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * The baseline of {@code JpaStoreBenchmark}: the data access object one would write by
 * hand for the {@code phanes_store} table on PostgreSQL.
 * <p>
 * Like a {@code JdbcTemplate} call, each operation borrows a connection of the pool the
 * JPA store also uses, runs one statement in auto-commit mode and gives the connection
 * back; the driver caches the prepared statement per connection. A write is one
 * {@code INSERT ... ON CONFLICT DO UPDATE} that bumps the version; a read is a plain
 * {@code SELECT} by primary key; a list is one {@code LIKE} prefix query with a
 * {@code LIMIT}. Reads and lists filter expired rows as the store does. Thread-safe.
 */
final class PostgresRecordDao implements RecordDao {

	private static final String LIST = RecordStatements.listSql("LIKE");

	private final DataSource dataSource;

	private final String database;

	PostgresRecordDao(DataSource dataSource, String database) {
		this.dataSource = dataSource;
		this.database = database;
	}

	@Override
	public void write(String key, byte[] value) throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement upsert = connection.prepareStatement(RecordStatements.UPSERT)) {
			RecordStatements.upsert(upsert, this.database, key, value);
		}
	}

	@Override
	public @Nullable Row read(String key) throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement select = connection.prepareStatement(RecordStatements.SELECT)) {
			return RecordStatements.select(select, this.database, key);
		}
	}

	@Override
	public List<String> list(String prefix, int limit) throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement list = connection.prepareStatement(LIST)) {
			return RecordStatements.list(list, this.database, prefix + "%", limit);
		}
	}

}
