package dev.phanes.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.stream.Stream;

import dev.phanes.store.DefaultStore;
import dev.phanes.store.file.FileStoreEngine;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Throughput of a {@link DefaultStore} on a {@link FileStoreEngine} beside hand-written
 * JDBC on the same engine, SQLite through sqlite-jdbc.
 * <p>
 * Each side has its own file in a temporary directory, deleted at tear-down, with the
 * same pragmas ({@code journal_mode=WAL}, {@code synchronous=FULL}: every commit is
 * fsync'd), the same table and index and the same {@value Workload#KEYS} preloaded rows
 * of {@value Workload#VALUE_BYTES} bytes. The baseline ({@link SqliteRecordDao}) uses one
 * connection in auto-commit mode with statements prepared once: a write is one upsert, a
 * read one {@code SELECT} by primary key, a list one {@code GLOB} prefix query with
 * {@code LIMIT} {@value Workload#LIST_LIMIT}; reads and lists filter expired rows as the
 * store does. Writes overwrite preloaded keys, so the tables do not grow.
 */
public class FileStoreBenchmark extends SqlStoreBenchmark<SqliteRecordDao> {

	private @Nullable Path directory;

	private @Nullable FileStoreEngine engine;

	/**
	 * Create both files and preload them with every key.
	 * @throws IOException if the directory cannot be created
	 * @throws SQLException if SQLite fails
	 */
	@Setup
	public void setUp() throws IOException, SQLException {
		this.directory = Files.createTempDirectory("phanes-benchmarks-");
		Path storeFile = this.directory.resolve("phanes.db");
		this.engine = new FileStoreEngine(storeFile);
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + storeFile)) {
			workload().insertInto(connection, DefaultStore.DEFAULT_DATABASE);
		}
		SqliteRecordDao baseline = new SqliteRecordDao(this.directory.resolve("baseline.db"),
				DefaultStore.DEFAULT_DATABASE);
		workload().insertInto(baseline.connection(), DefaultStore.DEFAULT_DATABASE);
		measure(new DefaultStore(this.engine), baseline);
	}

	/**
	 * Close both files and delete the directory.
	 * @throws IOException if a file cannot be deleted
	 * @throws SQLException if SQLite fails to close
	 */
	@TearDown
	public void tearDown() throws IOException, SQLException {
		try {
			requireSetUp(this.engine).close();
			baseline().close();
		}
		finally {
			if (this.directory != null) {
				try (Stream<Path> paths = Files.walk(this.directory)) {
					for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
						Files.delete(path);
					}
				}
			}
		}
	}

}
