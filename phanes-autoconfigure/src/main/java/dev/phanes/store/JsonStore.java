package dev.phanes.store;

import java.util.List;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Typed access to a {@link Store}: objects are written as JSON with the application's
 * Jackson mapper and read back into a type. Thread-safe.
 */
public class JsonStore {

	private final Store store;

	private final JsonMapper jsonMapper;

	/**
	 * Create a typed view of a store.
	 * @param store the store
	 * @param jsonMapper the mapper encoding and decoding values
	 */
	public JsonStore(Store store, JsonMapper jsonMapper) {
		this.store = store;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * The store underneath.
	 * @return the store
	 */
	public Store store() {
		return this.store;
	}

	/**
	 * Return a typed view of another table of the same database.
	 * @param table the table name
	 * @return the view
	 */
	public JsonStore table(String table) {
		return new JsonStore(this.store.table(table), this.jsonMapper);
	}

	/**
	 * Return a typed view of another database, keeping this view's table.
	 * @param database the database name
	 * @return the view
	 */
	public JsonStore database(String database) {
		return new JsonStore(this.store.database(database), this.jsonMapper);
	}

	/**
	 * Read the objects whose keys match a query, in key order.
	 * @param <T> the type
	 * @param query the query
	 * @param type the type to decode into
	 * @return the objects
	 * @throws StoreException if a stored value is not JSON of that type
	 */
	public <T> List<T> read(Query query, Class<T> type) {
		return this.store.read(query).stream().map((record) -> decode(record, type)).toList();
	}

	/**
	 * List the keys matching a query, in key order.
	 * @param query the query
	 * @return the keys
	 */
	public List<String> list(Query query) {
		return this.store.list(query);
	}

	/**
	 * Delete the object stored under a key.
	 * @param key the key
	 * @return whether a live record was deleted
	 */
	public boolean delete(String key) {
		return this.store.delete(key);
	}

	/**
	 * Read the object stored under a key.
	 * @param <T> the type
	 * @param key the key
	 * @param type the type to decode into
	 * @return the object, or empty if absent or expired
	 * @throws StoreException if the stored value is not JSON of that type
	 */
	public <T> Optional<T> read(String key, Class<T> type) {
		return this.store.read(key).map((record) -> decode(record, type));
	}

	/**
	 * Read the object stored under a key with its version, for a conditional write or
	 * delete after it.
	 * @param <T> the type
	 * @param key the key
	 * @param type the type to decode into
	 * @return the object and its version, or empty if absent or expired
	 * @throws StoreException if the stored value is not JSON of that type
	 */
	public <T> Optional<Versioned<T>> readVersioned(String key, Class<T> type) {
		return this.store.read(key).map((record) -> versioned(record, type));
	}

	/**
	 * Read the objects whose keys match a query with their versions, in key order.
	 * @param <T> the type
	 * @param query the query
	 * @param type the type to decode into
	 * @return the objects and their versions
	 * @throws StoreException if a stored value is not JSON of that type
	 */
	public <T> List<Versioned<T>> readVersioned(Query query, Class<T> type) {
		return this.store.read(query).stream().map((record) -> versioned(record, type)).toList();
	}

	private <T> Versioned<T> versioned(StoreRecord record, Class<T> type) {
		return new Versioned<>(record.key(), decode(record, type), record.version(), record.expiresAt());
	}

	/**
	 * Decode the value of a record.
	 * @param <T> the type
	 * @param record the record
	 * @param type the type to decode into
	 * @return the object
	 * @throws StoreException if the value is not JSON of that type
	 */
	public <T> T decode(StoreRecord record, Class<T> type) {
		try {
			return this.jsonMapper.readValue(record.value(), type);
		}
		catch (JacksonException ex) {
			throw new StoreException("Value of '" + record.key() + "' is not JSON for " + type.getName() + ": "
					+ ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Write an object as JSON.
	 * @param key the key
	 * @param value the object
	 * @return the record as stored
	 */
	public StoreRecord write(String key, Object value) {
		return write(key, value, WriteOptions.NONE);
	}

	/**
	 * Write an object as JSON with options.
	 * @param key the key
	 * @param value the object
	 * @param options the write options
	 * @return the record as stored
	 */
	public StoreRecord write(String key, Object value, WriteOptions options) {
		byte[] json;
		try {
			json = this.jsonMapper.writeValueAsBytes(value);
		}
		catch (JacksonException ex) {
			throw new InvalidRecordException(
					"Cannot write " + value.getClass().getName() + " as JSON: " + ex.getOriginalMessage());
		}
		return this.store.write(StoreRecord.of(key, json), options);
	}

}
