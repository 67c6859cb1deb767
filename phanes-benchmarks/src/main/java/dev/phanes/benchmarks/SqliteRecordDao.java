package dev.phanes.benchmarks;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The baseline of {@code FileStoreBenchmark}: the data access object one would write by
 * hand for the {@code phanes_store} table on SQLite.
 * <p>
 * It opens its file with the pragmas of {@code FileStore} ({@code journal_mode=WAL},
 * {@code synchronous=FULL}), creates the same table and index, and keeps one connection
 * in auto-commit mode with its three statements prepared once and reused. A write is one
 * upsert that bumps the version; a read and a list apply the same scope, expiry and
 * prefix filters as {@code FileStore}. Not thread-safe.
 */
final class SqliteRecordDao implements AutoCloseable {

	private final String database;

	private final Connection connection;

	private final PreparedStatement upsert;

	private final PreparedStatement select;

	private final PreparedStatement list;

	SqliteRecordDao(Path file, String database) throws SQLException {
		this.database = database;
		this.connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("PRAGMA journal_mode = WAL");
			statement.execute("PRAGMA synchronous = FULL");
			statement.execute("CREATE TABLE IF NOT EXISTS phanes_store (database_name TEXT NOT NULL, "
					+ "table_name TEXT NOT NULL, record_key TEXT NOT NULL, record_value BLOB NOT NULL, "
					+ "metadata BLOB, expires_at INTEGER, version INTEGER NOT NULL, "
					+ "PRIMARY KEY (database_name, table_name, record_key)) WITHOUT ROWID");
			statement.execute("CREATE INDEX IF NOT EXISTS phanes_store_expires_at ON phanes_store (expires_at) "
					+ "WHERE expires_at IS NOT NULL");
		}
		this.upsert = this.connection.prepareStatement("INSERT INTO phanes_store "
				+ "(database_name, table_name, record_key, record_value, metadata, expires_at, version) "
				+ "VALUES (?, ?, ?, ?, NULL, NULL, 1) ON CONFLICT (database_name, table_name, record_key) "
				+ "DO UPDATE SET record_value = excluded.record_value, metadata = excluded.metadata, "
				+ "expires_at = excluded.expires_at, version = phanes_store.version + 1");
		this.select = this.connection.prepareStatement(
				"SELECT record_value, metadata, expires_at, version FROM phanes_store WHERE database_name = ? "
						+ "AND table_name = ? AND record_key = ? AND (expires_at IS NULL OR expires_at > ?)");
		this.list = this.connection
			.prepareStatement("SELECT record_key FROM phanes_store WHERE database_name = ? AND table_name = ? "
					+ "AND (expires_at IS NULL OR expires_at > ?) AND record_key GLOB ? "
					+ "ORDER BY record_key LIMIT ?");
	}

	Connection connection() {
		return this.connection;
	}

	void write(String key, byte[] value) throws SQLException {
		this.upsert.setString(1, this.database);
		this.upsert.setString(2, Workload.TABLE);
		this.upsert.setString(3, key);
		this.upsert.setBytes(4, value);
		this.upsert.executeUpdate();
	}

	@Nullable Row read(String key) throws SQLException {
		this.select.setString(1, this.database);
		this.select.setString(2, Workload.TABLE);
		this.select.setString(3, key);
		this.select.setLong(4, System.currentTimeMillis());
		try (ResultSet row = this.select.executeQuery()) {
			if (!row.next()) {
				return null;
			}
			long expiresAt = row.getLong(3);
			Long expiry = row.wasNull() ? null : expiresAt;
			return new Row(row.getBytes(1), row.getBytes(2), expiry, row.getLong(4));
		}
	}

	/**
	 * List keys with a prefix that has no GLOB wildcard in it (the workload's do not).
	 */
	List<String> list(String prefix, int limit) throws SQLException {
		this.list.setString(1, this.database);
		this.list.setString(2, Workload.TABLE);
		this.list.setLong(3, System.currentTimeMillis());
		this.list.setString(4, prefix + "*");
		this.list.setInt(5, limit);
		try (ResultSet rows = this.list.executeQuery()) {
			List<String> keys = new ArrayList<>();
			while (rows.next()) {
				keys.add(rows.getString(1));
			}
			return keys;
		}
	}

	@Override
	public void close() throws SQLException {
		this.connection.close();
	}

}
