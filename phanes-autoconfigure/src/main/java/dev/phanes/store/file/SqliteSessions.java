package dev.phanes.store.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.phanes.store.StoreAccessException;
import org.jspecify.annotations.Nullable;

/**
 * An open SQLite file: one writing session behind a lock, so writers queue instead of
 * failing with {@code SQLITE_BUSY}, and a small pool of reading sessions beside it. Every
 * connection commits with {@code synchronous=FULL}; the file is in
 * {@code journal_mode=WAL}.
 * <p>
 * Knows connections, transactions and prepared statements, and no SQL of the store beyond
 * what it runs once when it opens the file. Thread-safe; {@link #close()} closes every
 * session.
 */
final class SqliteSessions implements AutoCloseable {

	private static final int READERS = 4;

	private static final long POLL_MILLIS = 100;

	private final Path path;

	private final ReentrantLock writeLock = new ReentrantLock();

	private final SqliteSession writer;

	private final BlockingQueue<SqliteSession> readers = new ArrayBlockingQueue<>(READERS);

	private volatile boolean closed;

	/**
	 * Open (creating if needed) a file and run the set-up statements (the schema) once.
	 */
	SqliteSessions(Path path, List<String> setUp) {
		this.path = path.toAbsolutePath();
		try {
			Path parent = this.path.getParent();
			if (parent != null) {
				Files.createDirectories(parent);
			}
			Connection connection = open();
			try (Statement statement = connection.createStatement()) {
				statement.execute("PRAGMA journal_mode = WAL");
				for (String sql : setUp) {
					statement.execute(sql);
				}
			}
			connection.setAutoCommit(false);
			this.writer = new SqliteSession(connection);
			openReaders();
		}
		catch (SQLException | IOException ex) {
			throw new StoreAccessException("Cannot open store file " + this.path + ": " + ex.getMessage()
					+ " (check phanes.store.file.path and that no other process holds the file)", ex);
		}
	}

	/**
	 * The absolute path of the file.
	 */
	Path path() {
		return this.path;
	}

	/**
	 * The values of {@code journal_mode} and {@code synchronous}, as SQLite reports them.
	 */
	Map<String, String> durabilitySettings() {
		return read((session) -> {
			Map<String, String> settings = new LinkedHashMap<>();
			try (Statement statement = session.connection().createStatement()) {
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
	 * Run work on the writing session in one transaction, committed (and fsync'd) before
	 * this returns, rolled back if the work throws.
	 */
	<T> T write(SqlWork<T> work) {
		this.writeLock.lock();
		try {
			checkOpen();
			try {
				T result = work.apply(this.writer);
				this.writer.connection().commit();
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

	/**
	 * Run work on a reading session, waiting for one to be free.
	 */
	<T> T read(SqlWork<T> work) {
		SqliteSession session = takeReader();
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

	private void openReaders() throws SQLException {
		try {
			for (int i = 0; i < READERS; i++) {
				this.readers.add(new SqliteSession(open()));
			}
		}
		catch (SQLException ex) {
			// Close what was opened before the failure; the store never opens.
			List<SqliteSession> opened = new ArrayList<>();
			this.readers.drainTo(opened);
			opened.add(this.writer);
			SQLException closing = closeAll(opened);
			if (closing != null) {
				ex.addSuppressed(closing);
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

	private SqliteSession takeReader() {
		try {
			while (true) {
				checkOpen();
				SqliteSession session = this.readers.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
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
			this.writer.connection().rollback();
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

	private void release(SqliteSession session) {
		this.readers.add(session);
		if (this.closed) {
			// close() may have drained the pool before this session came back.
			List<SqliteSession> late = new ArrayList<>();
			this.readers.drainTo(late);
			SQLException failure = closeAll(late);
			if (failure != null) {
				throw failure(failure);
			}
		}
	}

	private static @Nullable SQLException closeAll(List<SqliteSession> sessions) {
		SQLException failure = null;
		for (SqliteSession session : sessions) {
			try {
				session.close();
			}
			catch (SQLException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		return failure;
	}

	private void checkOpen() {
		if (this.closed) {
			throw new StoreAccessException("Store file " + this.path + " is closed",
					new IllegalStateException("closed"));
		}
	}

	/**
	 * Close every session; later work fails with a {@link StoreAccessException}.
	 */
	@Override
	public void close() {
		this.writeLock.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			List<SqliteSession> sessions = new ArrayList<>();
			this.readers.drainTo(sessions);
			sessions.add(this.writer);
			SQLException failure = closeAll(sessions);
			if (failure != null) {
				throw new StoreAccessException("Cannot close store file " + this.path, failure);
			}
		}
		finally {
			this.writeLock.unlock();
		}
	}

	/**
	 * Work on a session.
	 */
	@FunctionalInterface
	interface SqlWork<T> {

		T apply(SqliteSession session) throws SQLException;

	}

}
