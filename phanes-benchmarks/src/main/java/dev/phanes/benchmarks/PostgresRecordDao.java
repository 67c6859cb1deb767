package dev.phanes.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
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
final class PostgresRecordDao {

	private static final String UPSERT = "INSERT INTO phanes_store "
			+ "(database_name, table_name, record_key, record_value, metadata, expires_at, version) "
			+ "VALUES (?, ?, ?, ?, NULL, NULL, 1) ON CONFLICT (database_name, table_name, record_key) "
			+ "DO UPDATE SET record_value = excluded.record_value, metadata = excluded.metadata, "
			+ "expires_at = excluded.expires_at, version = phanes_store.version + 1";

	private static final String SELECT = "SELECT record_value, metadata, expires_at, version FROM phanes_store "
			+ "WHERE database_name = ? AND table_name = ? AND record_key = ? "
			+ "AND (expires_at IS NULL OR expires_at > ?)";

	private static final String LIST = "SELECT record_key FROM phanes_store WHERE database_name = ? "
			+ "AND table_name = ? AND (expires_at IS NULL OR expires_at > ?) AND record_key LIKE ? "
			+ "ORDER BY record_key LIMIT ?";

	private final DataSource dataSource;

	private final String database;

	PostgresRecordDao(DataSource dataSource, String database) {
		this.dataSource = dataSource;
		this.database = database;
	}

	void write(String key, byte[] value) throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
			upsert.setString(1, this.database);
			upsert.setString(2, Workload.TABLE);
			upsert.setString(3, key);
			upsert.setBytes(4, value);
			upsert.executeUpdate();
		}
	}

	@Nullable Row read(String key) throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement select = connection.prepareStatement(SELECT)) {
			select.setString(1, this.database);
			select.setString(2, Workload.TABLE);
			select.setString(3, key);
			select.setLong(4, System.currentTimeMillis());
			try (ResultSet row = select.executeQuery()) {
				if (!row.next()) {
					return null;
				}
				long expiresAt = row.getLong(3);
				Long expiry = row.wasNull() ? null : expiresAt;
				return new Row(row.getBytes(1), row.getBytes(2), expiry, row.getLong(4));
			}
		}
	}

	/**
	 * List keys with a prefix that has no LIKE wildcard in it (the workload's do not).
	 */
	List<String> list(String prefix, int limit) throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement list = connection.prepareStatement(LIST)) {
			list.setString(1, this.database);
			list.setString(2, Workload.TABLE);
			list.setLong(3, System.currentTimeMillis());
			list.setString(4, prefix + "%");
			list.setInt(5, limit);
			try (ResultSet rows = list.executeQuery()) {
				List<String> keys = new ArrayList<>();
				while (rows.next()) {
					keys.add(rows.getString(1));
				}
				return keys;
			}
		}
	}

}
