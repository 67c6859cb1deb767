package dev.phanes.store;

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
	 * Decode the value of a record.
	 * @param <T> the type
	 * @param record the record
	 * @param type the type to decode into
	 * @return the object
	 * @throws StoreException if the value is not JSON of that type
	 */
	public <T> T decode(Record record, Class<T> type) {
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
	public Record write(String key, Object value) {
		return write(key, value, WriteOptions.NONE);
	}

	/**
	 * Write an object as JSON with options.
	 * @param key the key
	 * @param value the object
	 * @param options the write options
	 * @return the record as stored
	 */
	public Record write(String key, Object value, WriteOptions options) {
		byte[] json;
		try {
			json = this.jsonMapper.writeValueAsBytes(value);
		}
		catch (JacksonException ex) {
			throw new InvalidRecordException(
					"Cannot write " + value.getClass().getName() + " as JSON: " + ex.getOriginalMessage());
		}
		return this.store.write(Record.of(key, json), options);
	}

}
