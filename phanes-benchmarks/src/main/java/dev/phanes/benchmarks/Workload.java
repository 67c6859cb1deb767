package dev.phanes.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;

import dev.phanes.store.Query;
import dev.phanes.store.StoreRecord;

/**
 * The data every benchmark works on: {@value #KEYS} keys of {@value #VALUE_BYTES}-byte
 * values, grouped by prefix in tens, the {@link StoreRecord records} and {@link Query
 * queries} the store side passes, and the cursors that pick the next key or prefix.
 * <p>
 * Keys are {@code key-00000} to {@code key-09999}; the prefix {@code key-0042} matches
 * exactly {@value #LIST_LIMIT} of them. All inputs are built here, once, so the measured
 * code only indexes arrays. Not thread-safe: each benchmark state owns one.
 */
final class Workload {

	/**
	 * How many keys are preloaded and cycled through.
	 */
	static final int KEYS = 10_000;

	/**
	 * Size of every value.
	 */
	static final int VALUE_BYTES = 100;

	/**
	 * Most keys a list returns, also the number of keys sharing a prefix.
	 */
	static final int LIST_LIMIT = 10;

	/**
	 * Table name (of the Store API) the rows are written to.
	 */
	static final String TABLE = "default";

	private final String[] keys = new String[KEYS];

	private final String[] prefixes = new String[KEYS / LIST_LIMIT];

	private final byte[] value = new byte[VALUE_BYTES];

	private final StoreRecord[] records = new StoreRecord[KEYS];

	private final Query[] queries = new Query[KEYS / LIST_LIMIT];

	private int nextKey;

	private int nextPrefix;

	Workload() {
		for (int i = 0; i < KEYS; i++) {
			this.keys[i] = String.format("key-%05d", i);
		}
		for (int i = 0; i < this.prefixes.length; i++) {
			this.prefixes[i] = String.format("key-%04d", i);
		}
		Arrays.fill(this.value, (byte) 'v');
		for (int i = 0; i < KEYS; i++) {
			this.records[i] = StoreRecord.of(this.keys[i], this.value);
		}
		for (int i = 0; i < this.queries.length; i++) {
			this.queries[i] = Query.prefix(this.prefixes[i]).withLimit(LIST_LIMIT);
		}
	}

	String key(int index) {
		return this.keys[index];
	}

	String prefix(int index) {
		return this.prefixes[index];
	}

	/**
	 * The record to write for a key: its value, no metadata, no expiry.
	 * @param index the index of the key
	 * @return the record
	 */
	StoreRecord record(int index) {
		return this.records[index];
	}

	/**
	 * The query for the first {@value #LIST_LIMIT} keys with a prefix.
	 * @param index the index of the prefix
	 * @return the query
	 */
	Query query(int index) {
		return this.queries[index];
	}

	int prefixCount() {
		return this.prefixes.length;
	}

	byte[] value() {
		return this.value;
	}

	/**
	 * Index of the next key, cycling through all of them.
	 * @return the index
	 */
	int nextKey() {
		int index = this.nextKey;
		this.nextKey = (index + 1 == KEYS) ? 0 : index + 1;
		return index;
	}

	/**
	 * Index of the next prefix, cycling through all of them.
	 * @return the index
	 */
	int nextPrefix() {
		int index = this.nextPrefix;
		this.nextPrefix = (index + 1 == this.prefixes.length) ? 0 : index + 1;
		return index;
	}

	/**
	 * Insert every key, at version 1 with no metadata and no expiry, into the
	 * {@code phanes_store} table of a SQL engine, in one transaction.
	 * @param connection the connection, left in auto-commit mode afterwards
	 * @param database the value of the {@code database_name} column
	 * @throws SQLException if the engine fails
	 */
	void insertInto(Connection connection, String database) throws SQLException {
		connection.setAutoCommit(false);
		try (PreparedStatement insert = connection
			.prepareStatement("INSERT INTO phanes_store (database_name, table_name, record_key, record_value, version) "
					+ "VALUES (?, ?, ?, ?, 1)")) {
			for (String key : this.keys) {
				insert.setString(1, database);
				insert.setString(2, TABLE);
				insert.setString(3, key);
				insert.setBytes(4, this.value);
				insert.addBatch();
			}
			insert.executeBatch();
			connection.commit();
		}
		finally {
			connection.setAutoCommit(true);
		}
	}

}
