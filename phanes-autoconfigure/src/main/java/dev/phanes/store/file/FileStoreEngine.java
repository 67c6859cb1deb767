package dev.phanes.store.file;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.phanes.store.Fence;
import dev.phanes.store.MetadataCodec;
import dev.phanes.store.Query;
import dev.phanes.store.StoreEngine;
import dev.phanes.store.StoreRecord;
import org.jspecify.annotations.Nullable;

/**
 * An engine keeping every database and table in one SQLite file, in the table
 * {@code phanes_store}, with each write committed and fsync'd before it returns.
 * <p>
 * This class is the SQL; {@link SqliteSessions} holds the connections and transactions.
 * Every write is one statement that decides the version in the database. Keys, values and
 * names are always bound as parameters, never spliced into SQL. The file belongs to one
 * process at a time. Thread-safe; {@link #close()} closes the file.
 */
public final class FileStoreEngine implements StoreEngine, AutoCloseable {

	private static final List<String> SCHEMA = List.of(
			"CREATE TABLE IF NOT EXISTS phanes_store (database_name TEXT NOT NULL, "
					+ "table_name TEXT NOT NULL, record_key TEXT NOT NULL, record_value BLOB NOT NULL, "
					+ "metadata BLOB, expires_at INTEGER, version INTEGER NOT NULL, "
					+ "PRIMARY KEY (database_name, table_name, record_key)) WITHOUT ROWID",
			"CREATE INDEX IF NOT EXISTS phanes_store_expires_at ON phanes_store (expires_at) "
					+ "WHERE expires_at IS NOT NULL",
			"CREATE TABLE IF NOT EXISTS phanes_store_fence (lock_name TEXT NOT NULL PRIMARY KEY, "
					+ "token INTEGER NOT NULL) WITHOUT ROWID");

	private static final String COLUMNS = "record_key, record_value, metadata, expires_at, version";

	private static final String SCOPE = "database_name = ? AND table_name = ?";

	private static final String LIVE = "(expires_at IS NULL OR expires_at > ?)";

	private static final String KEY = SCOPE + " AND record_key = ?";

	private static final String READ = "SELECT " + COLUMNS + " FROM phanes_store WHERE " + KEY + " AND " + LIVE;

	private static final String LIVE_VERSION = "SELECT version FROM phanes_store WHERE " + KEY + " AND " + LIVE;

	private static final String UPSERT_ANY = "INSERT INTO phanes_store (database_name, table_name, record_key, "
			+ "record_value, metadata, expires_at, version) VALUES (?, ?, ?, ?, ?, ?, 1) "
			+ "ON CONFLICT (database_name, table_name, record_key) DO UPDATE SET "
			+ "record_value = excluded.record_value, metadata = excluded.metadata, expires_at = excluded.expires_at, "
			+ "version = CASE WHEN phanes_store.expires_at IS NOT NULL AND phanes_store.expires_at <= ? THEN 1 "
			+ "ELSE phanes_store.version + 1 END";

	private static final String EXPIRED = "phanes_store.expires_at IS NOT NULL AND phanes_store.expires_at <= ?";

	private static final String UPSERT = UPSERT_ANY + " RETURNING version";

	private static final String INSERT_IF_ABSENT = UPSERT_ANY + " WHERE " + EXPIRED + " RETURNING version";

	private static final String UPDATE_IF_VERSION = "UPDATE phanes_store SET record_value = ?, metadata = ?, "
			+ "expires_at = ?, version = version + 1 WHERE " + KEY + " AND version = ? AND " + LIVE
			+ " RETURNING version";

	private static final String DELETE = "DELETE FROM phanes_store WHERE " + KEY + " RETURNING expires_at, version";

	/** Raises a fence's highest token; returns no row when the given token is stale. */
	private static final String RAISE_FENCE = "INSERT INTO phanes_store_fence (lock_name, token) VALUES (?, ?) "
			+ "ON CONFLICT (lock_name) DO UPDATE SET token = excluded.token "
			+ "WHERE phanes_store_fence.token <= excluded.token RETURNING token";

	private static final String FENCE = "SELECT token FROM phanes_store_fence WHERE lock_name = ?";

	private static final String PURGE = "DELETE FROM phanes_store WHERE expires_at IS NOT NULL AND expires_at <= ?";

	private final SqliteSessions sessions;

	/**
	 * Open (creating if needed) the store file at a path.
	 * @param path the file
	 * @throws dev.phanes.store.StoreAccessException if the file cannot be opened
	 */
	public FileStoreEngine(Path path) {
		this.sessions = new SqliteSessions(path, SCHEMA);
	}

	@Override
	public String backend() {
		return "file";
	}

	/**
	 * The file this engine keeps its data in.
	 * @return the absolute path
	 */
	public Path path() {
		return this.sessions.path();
	}

	@Override
	public @Nullable StoreRecord read(Scope scope, String key, Clock clock) {
		long now = clock.millis();
		List<StoreRecord> records = this.sessions.read((session) -> {
			PreparedStatement statement = session.prepare(READ);
			bindKey(statement, 1, scope, key);
			statement.setLong(4, now);
			return records(statement);
		});
		return records.isEmpty() ? null : records.get(0);
	}

	@Override
	public List<StoreRecord> read(Scope scope, Query query, Clock clock) {
		long now = clock.millis();
		return this.sessions.read((session) -> records(prepareQuery(session, COLUMNS, scope, query, now)));
	}

	@Override
	public List<String> list(Scope scope, Query query, Clock clock) {
		long now = clock.millis();
		return this.sessions.read((session) -> {
			try (ResultSet rows = prepareQuery(session, "record_key", scope, query, now).executeQuery()) {
				List<String> keys = new ArrayList<>();
				while (rows.next()) {
					keys.add(rows.getString(1));
				}
				return keys;
			}
		});
	}

	/**
	 * Write with one statement: an upsert that restarts the version of an expired record,
	 * or, for a write expecting a version, an update of that version only.
	 */
	@Override
	public StoreRecord write(Scope scope, Write write, Clock clock) {
		Long expected = write.expectedVersion();
		byte[] metadata = MetadataCodec.encode(write.metadata());
		return this.sessions.write((session) -> {
			long now = clock.millis();
			raiseFence(session, write);
			PreparedStatement statement;
			if (expected != null && expected > 0) {
				statement = session.prepare(UPDATE_IF_VERSION);
				bindValues(statement, 1, write, metadata);
				bindKey(statement, 4, scope, write.key());
				statement.setLong(7, expected);
				statement.setLong(8, now);
			}
			else {
				statement = session.prepare((expected != null) ? INSERT_IF_ABSENT : UPSERT);
				bindKey(statement, 1, scope, write.key());
				bindValues(statement, 4, write, metadata);
				statement.setLong(7, now);
				if (expected != null) {
					statement.setLong(8, now);
				}
			}
			try (ResultSet row = statement.executeQuery()) {
				if (row.next()) {
					return write.stored(row.getLong(1));
				}
			}
			// Nothing written: the stored version is not the expected one.
			long live = liveVersion(session, scope, write.key(), now);
			StoreEngine.checkVersion(write.key(), live, expected);
			throw new IllegalStateException("Write of '" + write.key() + "' changed no row at version " + live);
		});
	}

	/**
	 * Check and raise the write's fence in its transaction: a refusal rolls the
	 * transaction back, and so does a record write that fails after the fence was raised.
	 */
	private static void raiseFence(SqliteSession session, Write write) throws SQLException {
		Fence fence = write.fence();
		if (fence == null) {
			return;
		}
		PreparedStatement raise = session.prepare(RAISE_FENCE);
		raise.setString(1, fence.lockName());
		raise.setLong(2, fence.token());
		try (ResultSet row = raise.executeQuery()) {
			if (row.next()) {
				return;
			}
		}
		PreparedStatement read = session.prepare(FENCE);
		read.setString(1, fence.lockName());
		try (ResultSet row = read.executeQuery()) {
			write.checkFence(row.next() ? row.getLong(1) : 0);
		}
		throw new IllegalStateException("Fence of lock '" + fence.lockName() + "' was neither raised nor stale");
	}

	@Override
	public boolean delete(Scope scope, String key, @Nullable Long expectedVersion, Clock clock) {
		long now = clock.millis();
		return this.sessions.write((session) -> {
			PreparedStatement statement = session.prepare(DELETE);
			bindKey(statement, 1, scope, key);
			long live = 0;
			try (ResultSet row = statement.executeQuery()) {
				if (row.next()) {
					Long expiresAt = nullableLong(row, 1);
					if (expiresAt == null || expiresAt > now) {
						live = row.getLong(2);
					}
				}
			}
			// A mismatch throws, and the sessions roll the delete back.
			StoreEngine.checkVersion(key, live, expectedVersion);
			return live > 0;
		});
	}

	@Override
	public int purgeExpired(Clock clock) {
		long now = clock.millis();
		return this.sessions.write((session) -> {
			PreparedStatement statement = session.prepare(PURGE);
			statement.setLong(1, now);
			return statement.executeUpdate();
		});
	}

	/**
	 * The SQLite settings that make commits durable, as the engine reports them.
	 * @return the values of {@code journal_mode} and {@code synchronous}
	 */
	public Map<String, String> durabilitySettings() {
		return this.sessions.durabilitySettings();
	}

	/**
	 * Close the file. Every store on this engine fails afterwards.
	 */
	@Override
	public void close() {
		this.sessions.close();
	}

	private long liveVersion(SqliteSession session, Scope scope, String key, long now) throws SQLException {
		PreparedStatement statement = session.prepare(LIVE_VERSION);
		bindKey(statement, 1, scope, key);
		statement.setLong(4, now);
		try (ResultSet row = statement.executeQuery()) {
			return row.next() ? row.getLong(1) : 0;
		}
	}

	private static PreparedStatement prepareQuery(SqliteSession session, String columns, Scope scope, Query query,
			long now) throws SQLException {
		StringBuilder sql = new StringBuilder("SELECT ").append(columns)
			.append(" FROM phanes_store WHERE ")
			.append(SCOPE)
			.append(" AND ")
			.append(LIVE);
		if (!query.prefix().isEmpty()) {
			sql.append(" AND record_key GLOB ?");
		}
		if (!query.suffix().isEmpty()) {
			sql.append(" AND record_key GLOB ?");
		}
		sql.append(" ORDER BY record_key LIMIT ? OFFSET ?");
		PreparedStatement statement = session.prepare(sql.toString());
		statement.setString(1, scope.database());
		statement.setString(2, scope.table());
		int index = 3;
		statement.setLong(index++, now);
		if (!query.prefix().isEmpty()) {
			statement.setString(index++, glob(query.prefix()) + "*");
		}
		if (!query.suffix().isEmpty()) {
			statement.setString(index++, "*" + glob(query.suffix()));
		}
		statement.setInt(index++, (query.limit() > 0) ? query.limit() : -1);
		statement.setInt(index, query.offset());
		return statement;
	}

	private static void bindKey(PreparedStatement statement, int index, Scope scope, String key) throws SQLException {
		statement.setString(index, scope.database());
		statement.setString(index + 1, scope.table());
		statement.setString(index + 2, key);
	}

	private static void bindValues(PreparedStatement statement, int index, Write write, byte @Nullable [] metadata)
			throws SQLException {
		statement.setBytes(index, write.value());
		statement.setBytes(index + 1, metadata);
		if (write.expiresAt() != null) {
			statement.setLong(index + 2, write.expiresAt());
		}
		else {
			statement.setNull(index + 2, Types.BIGINT);
		}
	}

	/**
	 * Run a query and read its rows as records; the statement stays open for reuse.
	 */
	private static List<StoreRecord> records(PreparedStatement statement) throws SQLException {
		try (ResultSet rows = statement.executeQuery()) {
			List<StoreRecord> records = new ArrayList<>();
			while (rows.next()) {
				records.add(StoreEngine.record(rows.getString(1), rows.getBytes(2),
						MetadataCodec.decode(rows.getBytes(3)), nullableLong(rows, 4), rows.getLong(5)));
			}
			return records;
		}
	}

	private static @Nullable Long nullableLong(ResultSet row, int column) throws SQLException {
		long value = row.getLong(column);
		return row.wasNull() ? null : value;
	}

	/**
	 * Escape text for a GLOB pattern: the wildcards {@code *}, {@code ?} and {@code [}
	 * each become a one-character class. GLOB, unlike SQLite's LIKE, is case-sensitive.
	 */
	static String glob(String text) {
		StringBuilder escaped = new StringBuilder(text.length() + 8);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '*' || c == '?' || c == '[') {
				escaped.append('[').append(c).append(']');
			}
			else {
				escaped.append(c);
			}
		}
		return escaped.toString();
	}

}
