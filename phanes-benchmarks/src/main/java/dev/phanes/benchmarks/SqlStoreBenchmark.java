package dev.phanes.benchmarks;

import java.sql.SQLException;
import java.util.List;

import dev.phanes.store.Store;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * A store on a SQL engine beside the {@link RecordDao} one would write by hand for the
 * same table on the same engine: each baseline is one call on the DAO with the same
 * workload as the store side.
 * <p>
 * A subclass's setup creates both sides, preloads them with every key of the workload and
 * hands them over with {@link #measure}; JMH runs its tear-down only after a setup that
 * completed, so the tear-down may use {@link #store()} and {@link #baseline()}.
 *
 * @param <D> the type of the baseline
 */
public abstract class SqlStoreBenchmark<D extends RecordDao> extends StoreBenchmark {

	private @Nullable Store store;

	private @Nullable D baseline;

	/**
	 * Overwrite a row with one upsert.
	 * @throws SQLException if the engine fails
	 */
	@Benchmark
	public void baselineWrite() throws SQLException {
		Workload workload = workload();
		baseline().write(workload.key(workload.nextKey()), workload.value());
	}

	/**
	 * Read a present row with one {@code SELECT}.
	 * @return the row
	 * @throws SQLException if the engine fails
	 */
	@Benchmark
	public @Nullable Row baselineRead() throws SQLException {
		Workload workload = workload();
		return baseline().read(workload.key(workload.nextKey()));
	}

	/**
	 * List the first keys with a prefix with one {@code SELECT}.
	 * @return the keys
	 * @throws SQLException if the engine fails
	 */
	@Benchmark
	public List<String> baselineList() throws SQLException {
		Workload workload = workload();
		return baseline().list(workload.prefix(workload.nextPrefix()), Workload.LIST_LIMIT);
	}

	/**
	 * Measure a store beside a baseline, each preloaded with every key of the workload.
	 * @param store the store
	 * @param baseline the baseline
	 */
	final void measure(Store store, D baseline) {
		this.store = store;
		this.baseline = baseline;
	}

	@Override
	final Store store() {
		return requireSetUp(this.store);
	}

	final D baseline() {
		return requireSetUp(this.baseline);
	}

}
