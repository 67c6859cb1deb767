package dev.phanes.store.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.phanes.store.AbstractStore;
import dev.phanes.store.MetadataCodec;
import dev.phanes.store.Query;
import dev.phanes.store.StoreRecord;
import dev.phanes.store.StoreAccessException;
import dev.phanes.store.StoreOptions;
import org.jspecify.annotations.Nullable;

/**
 * A store keeping every database and table in one SQLite file, with each write committed
 * and fsync'd before it returns ({@code journal_mode=WAL}, {@code synchronous=FULL}).
 * <p>
 * One connection writes, guarded by a lock, so writers queue instead of failing with
 * {@code SQLITE_BUSY}; a small pool of connections reads concurrently beside it. Keys,
 * values and names are always bound as parameters, never spliced into SQL. The file
 * belongs to one process at a time. Thread-safe; {@link #close()} closes the file for
 * every view.
 */
public class FileStore extends AbstractStore implements AutoCloseable {

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

	private static final String PURGE = "DELETE FROM phanes_store WHERE expires_at IS NOT NULL AND expires_at <= ?";

	private final Engine engine;

	/**
	 * Open (creating if needed) the store file at a path, with the default settings.
	 * @param path the file
	 */
	public FileStore(Path path) {
		this(path, StoreOptions.defaults());
	}

	/**
	 * Open (creating if needed) the store file at a path.
	 * @param path the file
	 * @param options the settings
	 */
	public FileStore(Path path, StoreOptions options) {
		this(Scope.DEFAULT, options, new Engine(path));
	}

	private FileStore(Scope scope, StoreOptions options, Engine engine) {
		super(scope, options);
		this.engine = engine;
	}

	@Override
	public String backend() {
		return "file";
	}

	@Override
	protected AbstractStore withScope(Scope scope) {
		return new FileStore(scope, options(), this.engine);
	}

	/**
	 * The file this store keeps its data in.
	 * @return the path
	 */
	public Path path() {
		return this.engine.path;
	}

	@Override
	protected @Nullable StoreRecord doRead(String key) {
		long now = now();
		List<StoreRecord> records = this.engine.read((session) -> {
			PreparedStatement statement = session.prepare(READ);
			bindScope(statement, 1, key);
			statement.setLong(4, now);
			return records(statement);
		});
		return records.isEmpty() ? null : records.get(0);
	}

	@Override
	protected List<StoreRecord> doRead(Query query, long now) {
		return this.engine.read((session) -> records(prepareQuery(session, COLUMNS, query, now)));
	}

	@Override
	protected List<String> doList(Query query, long now) {
		return this.engine.read((session) -> {
			try (ResultSet rows = prepareQuery(session, "record_key", query, now).executeQuery()) {
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
	protected StoreRecord doWrite(Write write) {
		Long expected = write.expectedVersion();
		byte[] metadata = MetadataCodec.encode(write.metadata());
		return this.engine.write((session) -> {
			long now = now();
			PreparedStatement statement;
			if (expected != null && expected > 0) {
				statement = session.prepare(UPDATE_IF_VERSION);
				bindValues(statement, 1, write, metadata);
				bindScope(statement, 4, write.key());
				statement.setLong(7, expected);
				statement.setLong(8, now);
			}
			else {
				statement = session.prepare((expected != null) ? INSERT_IF_ABSENT : UPSERT);
				bindScope(statement, 1, write.key());
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
			long live = liveVersion(session, write.key(), now);
			checkVersion(write.key(), live, expected);
			throw new IllegalStateException("Write of '" + write.key() + "' changed no row at version " + live);
		});
	}

	@Override
	protected boolean doDelete(String key, @Nullable Long expectedVersion, long now) {
		return this.engine.write((session) -> {
			PreparedStatement statement = session.prepare(DELETE);
			bindScope(statement, 1, key);
			long live = 0;
			try (ResultSet row = statement.executeQuery()) {
				if (row.next() && isLive(nullableLong(row, 1), now)) {
					live = row.getLong(2);
				}
			}
			// A mismatch throws, and the engine rolls the delete back.
			checkVersion(key, live, expectedVersion);
			return live > 0;
		});
	}

	@Override
	public int purgeExpired() {
		long now = now();
		return this.engine.write((session) -> {
			PreparedStatement statement = session.prepare(PURGE);
			statement.setLong(1, now);
			return statement.executeUpdate();
		});
	}

	private long liveVersion(Session session, String key, long now) throws SQLException {
		PreparedStatement statement = session.prepare(LIVE_VERSION);
		bindScope(statement, 1, key);
		statement.setLong(4, now);
		try (ResultSet row = statement.executeQuery()) {
			return row.next() ? row.getLong(1) : 0;
		}
	}

	private void bindScope(PreparedStatement statement, int index, String key) throws SQLException {
		statement.setString(index, database());
		statement.setString(index + 1, table());
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
	 * The SQLite settings that make commits durable, as the engine reports them.
	 * @return the values of {@code journal_mode} and {@code synchronous}
	 */
	public Map<String, String> durabilitySettings() {
		return this.engine.read((session) -> {
			Map<String, String> settings = new LinkedHashMap<>();
			try (Statement statement = session.connection.createStatement()) {
				for (String pragma : new String[] { "journal_mode", "synchronous" }) {
					try (ResultSet row = statement.executeQuery("PRAGMA " + pragma)) {
						row.next();
						settings.put(pragma, row.getString(1));
					}
				}
			}
			return settings;
		});
	}

	/**
	 * Close the file. Every view of this store fails afterwards.
	 */
	@Override
	public void close() {
		this.engine.close();
	}

	private PreparedStatement prepareQuery(Session session, String columns, Query query, long now) throws SQLException {
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
		int index = bindScope(statement);
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

	private int bindScope(PreparedStatement statement) throws SQLException {
		statement.setString(1, database());
		statement.setString(2, table());
		return 3;
	}

	/**
	 * Run a query and read its rows as records; the statement stays open for reuse.
	 */
	private static List<StoreRecord> records(PreparedStatement statement) throws SQLException {
		try (ResultSet rows = statement.executeQuery()) {
			List<StoreRecord> records = new ArrayList<>();
			while (rows.next()) {
				records.add(record(rows.getString(1), rows.getBytes(2), MetadataCodec.decode(rows.getBytes(3)),
						nullableLong(rows, 4), rows.getLong(5)));
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

	@FunctionalInterface
	private interface SqlWork<T> {

		T apply(Session session) throws SQLException;

	}

	/**
	 * A connection with the statements prepared on it, kept for reuse: sqlite-jdbc has no
	 * statement cache of its own. Used by one thread at a time.
	 */
	private static final class Session {

		final Connection connection;

		private final Map<String, PreparedStatement> statements = new HashMap<>();

		Session(Connection connection) {
			this.connection = connection;
		}

		PreparedStatement prepare(String sql) throws SQLException {
			PreparedStatement statement = this.statements.get(sql);
			if (statement == null) {
				statement = this.connection.prepareStatement(sql);
				this.statements.put(sql, statement);
			}
			return statement;
		}

		void close() throws SQLException {
			try {
				for (PreparedStatement statement : this.statements.values()) {
					statement.close();
				}
			}
			finally {
				this.connection.close();
			}
		}

	}

	/**
	 * The open file: one writing session behind a lock and a pool of reading ones.
	 */
	private static final class Engine {

		private static final int READERS = 4;

		private static final long POLL_MILLIS = 100;

		private final Path path;

		private final ReentrantLock writeLock = new ReentrantLock();

		private final Session writer;

		private final BlockingQueue<Session> readers = new ArrayBlockingQueue<>(READERS);

		private volatile boolean closed;

		Engine(Path path) {
			this.path = path.toAbsolutePath();
			try {
				Path parent = this.path.getParent();
				if (parent != null) {
					Files.createDirectories(parent);
				}
				Connection connection = open();
				try (Statement statement = connection.createStatement()) {
					statement.execute("PRAGMA journal_mode = WAL");
					statement.execute("CREATE TABLE IF NOT EXISTS phanes_store (database_name TEXT NOT NULL, "
							+ "table_name TEXT NOT NULL, record_key TEXT NOT NULL, record_value BLOB NOT NULL, "
							+ "metadata BLOB, expires_at INTEGER, version INTEGER NOT NULL, "
							+ "PRIMARY KEY (database_name, table_name, record_key)) WITHOUT ROWID");
					statement.execute("CREATE INDEX IF NOT EXISTS phanes_store_expires_at ON phanes_store (expires_at) "
							+ "WHERE expires_at IS NOT NULL");
				}
				connection.setAutoCommit(false);
				this.writer = new Session(connection);
				openReaders();
			}
			catch (SQLException | IOException ex) {
				throw new StoreAccessException("Cannot open store file " + this.path + ": " + ex.getMessage()
						+ " (check phanes.store.file.path and that no other process holds the file)", ex);
			}
		}

		private void openReaders() throws SQLException {
			try {
				for (int i = 0; i < READERS; i++) {
					this.readers.add(new Session(open()));
				}
			}
			catch (SQLException ex) {
				// Close what was opened before the failure; the store never opens.
				List<Session> opened = new ArrayList<>();
				this.readers.drainTo(opened);
				opened.add(this.writer);
				for (Session session : opened) {
					try {
						session.close();
					}
					catch (SQLException closing) {
						ex.addSuppressed(closing);
					}
				}
				throw ex;
			}
		}

		private Connection open() throws SQLException {
			Connection connection = DriverManager.getConnection("jdbc:sqlite:" + this.path);
			try (Statement statement = connection.createStatement()) {
				statement.execute("PRAGMA synchronous = FULL");
				statement.execute("PRAGMA busy_timeout = 10000");
			}
			return connection;
		}

		<T> T write(SqlWork<T> work) {
			this.writeLock.lock();
			try {
				checkOpen();
				try {
					T result = work.apply(this.writer);
					this.writer.connection.commit();
					return result;
				}
				catch (SQLException | RuntimeException ex) {
					RuntimeException failure = failure(ex);
					rollback(failure);
					throw failure;
				}
				catch (Error ex) {
					// Never leave a half-done transaction for the next write to commit.
					rollback(ex);
					throw ex;
				}
			}
			finally {
				this.writeLock.unlock();
			}
		}

		<T> T read(SqlWork<T> work) {
			Session session = takeReader();
			try {
				return work.apply(session);
			}
			catch (SQLException ex) {
				throw failure(ex);
			}
			finally {
				release(session);
			}
		}

		private Session takeReader() {
			try {
				while (true) {
					checkOpen();
					Session session = this.readers.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
					if (session != null) {
						return session;
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new StoreAccessException("Interrupted while waiting for a connection to " + this.path, ex);
			}
		}

		private void rollback(Throwable failure) {
			try {
				this.writer.connection.rollback();
			}
			catch (SQLException ex) {
				failure.addSuppressed(ex);
			}
		}

		private RuntimeException failure(Exception ex) {
			if (ex instanceof RuntimeException runtime) {
				return runtime;
			}
			return new StoreAccessException("Store file " + this.path + " failed: " + ex.getMessage(), ex);
		}

		private void release(Session session) {
			this.readers.add(session);
			if (this.closed) {
				// close() may have drained the pool before this session came back.
				List<Session> late = new ArrayList<>();
				this.readers.drainTo(late);
				for (Session each : late) {
					try {
						each.close();
					}
					catch (SQLException ex) {
						throw failure(ex);
					}
				}
			}
		}

		private void checkOpen() {
			if (this.closed) {
				throw new StoreAccessException("Store file " + this.path + " is closed",
						new IllegalStateException("closed"));
			}
		}

		void close() {
			this.writeLock.lock();
			try {
				if (this.closed) {
					return;
				}
				this.closed = true;
				List<Session> sessions = new ArrayList<>();
				this.readers.drainTo(sessions);
				sessions.add(this.writer);
				StoreAccessException failure = null;
				for (Session session : sessions) {
					try {
						session.close();
					}
					catch (SQLException ex) {
						if (failure == null) {
							failure = new StoreAccessException("Cannot close store file " + this.path, ex);
						}
						else {
							failure.addSuppressed(ex);
						}
					}
				}
				if (failure != null) {
					throw failure;
				}
			}
			finally {
				this.writeLock.unlock();
			}
		}

	}

}
