package dev.phanes.benchmarks;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The statements the {@link RecordDao} baselines run on {@code phanes_store}, the same
 * SQL on SQLite and PostgreSQL but for the prefix match, with how their parameters are
 * bound and their results read.
 * <p>
 * Each method takes a statement prepared from the matching SQL, so the DAO decides how
 * long a statement lives: prepared once, or once per operation.
 */
final class RecordStatements {

	/**
	 * Insert a row, or overwrite its value and bump its version.
	 */
	static final String UPSERT = "INSERT INTO phanes_store "
			+ "(database_name, table_name, record_key, record_value, metadata, expires_at, version) "
			+ "VALUES (?, ?, ?, ?, NULL, NULL, 1) ON CONFLICT (database_name, table_name, record_key) "
			+ "DO UPDATE SET record_value = excluded.record_value, metadata = excluded.metadata, "
			+ "expires_at = excluded.expires_at, version = phanes_store.version + 1";

	/**
	 * Select a row by primary key unless it has expired.
	 */
	static final String SELECT = "SELECT record_value, metadata, expires_at, version FROM phanes_store "
			+ "WHERE database_name = ? AND table_name = ? AND record_key = ? "
			+ "AND (expires_at IS NULL OR expires_at > ?)";

	private RecordStatements() {
	}

	/**
	 * The SQL selecting the first keys that match a pattern and have not expired.
	 * @param match the pattern operator of the engine, {@code GLOB} or {@code LIKE}
	 * @return the SQL
	 */
	static String listSql(String match) {
		return "SELECT record_key FROM phanes_store WHERE database_name = ? AND table_name = ? "
				+ "AND (expires_at IS NULL OR expires_at > ?) AND record_key " + match + " ? "
				+ "ORDER BY record_key LIMIT ?";
	}

	static void upsert(PreparedStatement upsert, String database, String key, byte[] value) throws SQLException {
		upsert.setString(1, database);
		upsert.setString(2, Workload.TABLE);
		upsert.setString(3, key);
		upsert.setBytes(4, value);
		upsert.executeUpdate();
	}

	static @Nullable Row select(PreparedStatement select, String database, String key) throws SQLException {
		select.setString(1, database);
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

	static List<String> list(PreparedStatement list, String database, String pattern, int limit) throws SQLException {
		list.setString(1, database);
		list.setString(2, Workload.TABLE);
		list.setLong(3, System.currentTimeMillis());
		list.setString(4, pattern);
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
