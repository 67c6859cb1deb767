package dev.phanes.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.phanes.store.AbstractStore;
import dev.phanes.store.Query;
import dev.phanes.store.Record;
import dev.phanes.store.file.FileStore;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of {@link FileStore} beside hand-written JDBC on the same engine, SQLite
 * through sqlite-jdbc.
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
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FileStoreBenchmark {

	private final Workload workload = new Workload();

	private final Record[] records = new Record[Workload.KEYS];

	private final Query[] queries = new Query[Workload.KEYS / Workload.LIST_LIMIT];

	private @Nullable Path directory;

	private @Nullable FileStore store;

	private @Nullable SqliteRecordDao baseline;

	/**
	 * Create both files, preload them with every key and build the inputs.
	 * @throws IOException if the directory cannot be created
	 * @throws SQLException if SQLite fails
	 */
	@Setup
	public void setUp() throws IOException, SQLException {
		this.directory = Files.createTempDirectory("phanes-benchmarks-");
		Path storeFile = this.directory.resolve("phanes.db");
		this.store = new FileStore(storeFile);
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + storeFile)) {
			this.workload.insertInto(connection, AbstractStore.DEFAULT_DATABASE);
		}
		this.baseline = new SqliteRecordDao(this.directory.resolve("baseline.db"), AbstractStore.DEFAULT_DATABASE);
		this.workload.insertInto(this.baseline.connection(), AbstractStore.DEFAULT_DATABASE);
		for (int i = 0; i < Workload.KEYS; i++) {
			this.records[i] = Record.of(this.workload.key(i), this.workload.value());
		}
		for (int i = 0; i < this.queries.length; i++) {
			this.queries[i] = Query.prefix(this.workload.prefix(i)).withLimit(Workload.LIST_LIMIT);
		}
	}

	/**
	 * Close both files and delete the directory.
	 * @throws IOException if a file cannot be deleted
	 * @throws SQLException if SQLite fails to close
	 */
	@TearDown
	public void tearDown() throws IOException, SQLException {
		try {
			if (this.store != null) {
				this.store.close();
			}
			if (this.baseline != null) {
				this.baseline.close();
			}
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

	/**
	 * Overwrite a record through the store.
	 * @return the record as stored
	 */
	@Benchmark
	public Record phanesWrite() {
		return store().write(this.records[this.workload.nextKey()]);
	}

	/**
	 * Overwrite a row with one upsert.
	 * @throws SQLException if SQLite fails
	 */
	@Benchmark
	public void baselineWrite() throws SQLException {
		baseline().write(this.workload.key(this.workload.nextKey()), this.workload.value());
	}

	/**
	 * Read a present record through the store.
	 * @return the record
	 */
	@Benchmark
	public Optional<Record> phanesRead() {
		return store().read(this.workload.key(this.workload.nextKey()));
	}

	/**
	 * Read a present row with one {@code SELECT}.
	 * @return the row
	 * @throws SQLException if SQLite fails
	 */
	@Benchmark
	public @Nullable Row baselineRead() throws SQLException {
		return baseline().read(this.workload.key(this.workload.nextKey()));
	}

	/**
	 * List the first keys with a prefix through the store.
	 * @return the keys
	 */
	@Benchmark
	public List<String> phanesList() {
		return store().list(this.queries[this.workload.nextPrefix()]);
	}

	/**
	 * List the first keys with a prefix with one {@code SELECT}.
	 * @return the keys
	 * @throws SQLException if SQLite fails
	 */
	@Benchmark
	public List<String> baselineList() throws SQLException {
		return baseline().list(this.workload.prefix(this.workload.nextPrefix()), Workload.LIST_LIMIT);
	}

	private FileStore store() {
		FileStore store = this.store;
		if (store == null) {
			throw new IllegalStateException("Not set up");
		}
		return store;
	}

	private SqliteRecordDao baseline() {
		SqliteRecordDao baseline = this.baseline;
		if (baseline == null) {
			throw new IllegalStateException("Not set up");
		}
		return baseline;
	}

}
