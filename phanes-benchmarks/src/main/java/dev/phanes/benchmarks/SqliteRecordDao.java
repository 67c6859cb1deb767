package dev.phanes.benchmarks;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The baseline of {@code FileStoreBenchmark}: the data access object one would write by
 * hand for the {@code phanes_store} table on SQLite.
 * <p>
 * It opens its file with the pragmas of {@code FileStoreEngine}
 * ({@code journal_mode=WAL}, {@code synchronous=FULL}), creates the same table and index,
 * and keeps one connection in auto-commit mode with its three statements prepared once
 * and reused. A write is one upsert that bumps the version; a read and a list apply the
 * same scope, expiry and prefix filters as {@code FileStoreEngine}. Not thread-safe.
 */
final class SqliteRecordDao implements RecordDao, AutoCloseable {

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
		this.upsert = this.connection.prepareStatement(RecordStatements.UPSERT);
		this.select = this.connection.prepareStatement(RecordStatements.SELECT);
		this.list = this.connection.prepareStatement(RecordStatements.listSql("GLOB"));
	}

	Connection connection() {
		return this.connection;
	}

	@Override
	public void write(String key, byte[] value) throws SQLException {
		RecordStatements.upsert(this.upsert, this.database, key, value);
	}

	@Override
	public @Nullable Row read(String key) throws SQLException {
		return RecordStatements.select(this.select, this.database, key);
	}

	@Override
	public List<String> list(String prefix, int limit) throws SQLException {
		return RecordStatements.list(this.list, this.database, prefix + "*", limit);
	}

	@Override
	public void close() throws SQLException {
		this.connection.close();
	}

}
