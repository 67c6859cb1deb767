package dev.phanes.benchmarks;

import java.sql.SQLException;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The data access object one would write by hand for the {@code phanes_store} table, the
 * baseline of a {@link SqlStoreBenchmark}. Each operation runs one auto-committed
 * statement.
 */
interface RecordDao {

	/**
	 * Insert or overwrite the row of a key, with no metadata and no expiry, bumping its
	 * version.
	 * @param key the key
	 * @param value the value
	 * @throws SQLException if the engine fails
	 */
	void write(String key, byte[] value) throws SQLException;

	/**
	 * Read the row of a key unless it is absent or expired.
	 * @param key the key
	 * @return the row, or {@code null}
	 * @throws SQLException if the engine fails
	 */
	@Nullable Row read(String key) throws SQLException;

	/**
	 * List, in order, the first keys that start with a prefix and have not expired.
	 * @param prefix the prefix, with no wildcard of the engine's pattern syntax in it
	 * (the workload's have none)
	 * @param limit the most keys to return
	 * @return the keys
	 * @throws SQLException if the engine fails
	 */
	List<String> list(String prefix, int limit) throws SQLException;

}
