package dev.phanes.benchmarks;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.phanes.store.StoreRecord;
import dev.phanes.store.Store;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Phanes side of every store benchmark, a write, a read and a list through the
 * {@link Store} API on the {@link Workload}, and the JMH settings all of them share.
 * <p>
 * A subclass provides the store, sets it up and adds the three baselines; JMH generates
 * the inherited benchmarks under the subclass's name
 * ({@code FileStoreBenchmark.phanesWrite}). The annotations here are inherited. Public,
 * like its subclasses, so that the generated code calls the benchmark methods with no
 * visibility bridge in between.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class StoreBenchmark {

	private final Workload workload = new Workload();

	/**
	 * Overwrite a record through the store.
	 * @return the record as stored
	 */
	@Benchmark
	public StoreRecord phanesWrite() {
		return store().write(this.workload.record(this.workload.nextKey()));
	}

	/**
	 * Read a present record through the store.
	 * @return the record
	 */
	@Benchmark
	public Optional<StoreRecord> phanesRead() {
		return store().read(this.workload.key(this.workload.nextKey()));
	}

	/**
	 * List the first keys with a prefix through the store.
	 * @return the keys
	 */
	@Benchmark
	public List<String> phanesList() {
		return store().list(this.workload.query(this.workload.nextPrefix()));
	}

	final Workload workload() {
		return this.workload;
	}

	/**
	 * The store measured, set up with every key of the workload.
	 * @return the store
	 */
	abstract Store store();

	/**
	 * Return what a setup method creates, failing if it has not run.
	 * @param <T> the type of the value
	 * @param value the value, {@code null} before the setup
	 * @return the value
	 */
	static <T> T requireSetUp(@Nullable T value) {
		if (value == null) {
			throw new IllegalStateException("Not set up");
		}
		return value;
	}

}
