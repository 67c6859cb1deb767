package dev.phanes.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A key-value store of {@link StoreRecord records}, scoped by database and table.
 * <p>
 * Modelled on go-micro's {@code store.Store}: values are bytes, keys are strings, records
 * may carry metadata and expire. Keys are listed in byte-wise order of their UTF-8
 * encoding by every backend. A {@code Store} is a view on one database and table;
 * {@link #database(String)} and {@link #table(String)} return views on others, sharing
 * the same backend.
 * <p>
 * Implementations are thread-safe. Invalid input is rejected with a
 * {@link StoreException} subclass before anything is changed. Phanes' implementation is
 * {@link DefaultStore}, on a {@link StoreEngine}; a store may also offer
 * {@link PurgeableStore} and {@link DescribedStore}.
 *
 * @see DefaultStore
 * @see ObservedStore
 */
public interface Store {

	/**
	 * Longest key accepted, in bytes of its UTF-8 encoding.
	 */
	int MAX_KEY_BYTES = 1024;

	/**
	 * Name of the database this view reads and writes.
	 * @return the database name
	 */
	String database();

	/**
	 * Name of the table this view reads and writes.
	 * @return the table name
	 */
	String table();

	/**
	 * Return a view on another database of the same backend, keeping this view's table.
	 * @param database a name matching {@code [A-Za-z][A-Za-z0-9_-]{0,62}}
	 * @return the view
	 * @throws InvalidNameException if the name is not valid
	 */
	Store database(String database);

	/**
	 * Return a view on another table of this view's database.
	 * @param table a name matching {@code [A-Za-z][A-Za-z0-9_-]{0,62}}
	 * @return the view
	 * @throws InvalidNameException if the name is not valid
	 */
	Store table(String table);

	/**
	 * Read the record stored under a key, unless it is absent or expired.
	 * @param key the key
	 * @return the record, or empty
	 */
	Optional<StoreRecord> read(String key);

	/**
	 * Read the records whose keys match a query, in key order.
	 * @param query the query
	 * @return the matching records
	 */
	List<StoreRecord> read(Query query);

	/**
	 * List the keys matching a query, in key order.
	 * @param query the query
	 * @return the matching keys
	 */
	List<String> list(Query query);

	/**
	 * Write a record unconditionally, keeping the expiry the record carries.
	 * @param record the record to write
	 * @return the record as stored, with its new version
	 */
	default StoreRecord write(StoreRecord record) {
		return write(record, WriteOptions.NONE);
	}

	/**
	 * Write a record that expires after a time to live.
	 * @param record the record to write
	 * @param ttl the time to live, positive
	 * @return the record as stored, with its new version and expiry
	 */
	default StoreRecord write(StoreRecord record, Duration ttl) {
		return write(record, WriteOptions.ttl(ttl));
	}

	/**
	 * Write a record with options: a time to live or an absolute expiry, and a version
	 * the stored record must have for the write to happen.
	 * @param record the record to write
	 * @param options the write options
	 * @return the record as stored, with its new version
	 * @throws VersionConflictException if an expected version was given and the stored
	 * record has another
	 */
	StoreRecord write(StoreRecord record, WriteOptions options);

	/**
	 * Delete the record stored under a key.
	 * @param key the key
	 * @return whether a live record was deleted
	 */
	boolean delete(String key);

	/**
	 * Delete the record stored under a key only if it has a version, so a delete never
	 * removes a change the caller has not seen.
	 * @param key the key
	 * @param expectedVersion the version the stored record must have, positive
	 * @throws VersionConflictException if the stored record is absent or has another
	 * version
	 */
	void delete(String key, long expectedVersion);

}
