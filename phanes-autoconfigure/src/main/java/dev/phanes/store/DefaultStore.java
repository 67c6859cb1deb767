package dev.phanes.store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.phanes.store.StoreEngine.Scope;
import dev.phanes.store.StoreEngine.Write;

/**
 * The {@link Store} of Phanes, on any {@link StoreEngine}: validates keys, values, names
 * and queries, decides expiries, and leaves the storage and the versions to the engine.
 * <p>
 * A {@code DefaultStore} is a view on one database and table (at first
 * {@value #DEFAULT_DATABASE} and {@value #DEFAULT_TABLE}); {@link #database(String)} and
 * {@link #table(String)} return views on the same engine. Invalid input is rejected with
 * a {@link StoreException} before the engine is called. Observation is not its concern:
 * the auto-configuration decorates every {@link Store} bean with an
 * {@link ObservedStore}. Thread-safe if its engine is, as every Phanes engine is.
 */
public final class DefaultStore implements PurgeableStore, DescribedStore {

	/**
	 * Largest encoded metadata accepted, in bytes.
	 */
	public static final int MAX_METADATA_BYTES = 64 * 1024;

	/**
	 * Database a store starts on.
	 */
	public static final String DEFAULT_DATABASE = "phanes";

	/**
	 * Table a store starts on.
	 */
	public static final String DEFAULT_TABLE = "default";

	private final StoreEngine engine;

	private final StoreOptions options;

	private final Clock clock;

	private final Scope scope;

	/**
	 * Create a store on an engine with the default settings.
	 * @param engine the engine
	 */
	public DefaultStore(StoreEngine engine) {
		this(engine, StoreOptions.defaults());
	}

	/**
	 * Create a store on an engine.
	 * @param engine the engine
	 * @param options the settings
	 */
	public DefaultStore(StoreEngine engine, StoreOptions options) {
		this(engine, options, Scope.DEFAULT);
	}

	private DefaultStore(StoreEngine engine, StoreOptions options, Scope scope) {
		this.engine = engine;
		this.options = options;
		this.clock = options.clock();
		this.scope = scope;
	}

	/**
	 * The engine this store runs on.
	 * @return the engine
	 */
	public StoreEngine engine() {
		return this.engine;
	}

	@Override
	public String backend() {
		return this.engine.backend();
	}

	@Override
	public String database() {
		return this.scope.database();
	}

	@Override
	public String table() {
		return this.scope.table();
	}

	@Override
	public DefaultStore database(String database) {
		return new DefaultStore(this.engine, this.options, new Scope(database, this.scope.table()));
	}

	@Override
	public DefaultStore table(String table) {
		return new DefaultStore(this.engine, this.options, new Scope(this.scope.database(), table));
	}

	@Override
	public Optional<StoreRecord> read(String key) {
		checkKey(key);
		return Optional.ofNullable(this.engine.read(this.scope, key, this.clock));
	}

	@Override
	public List<StoreRecord> read(Query query) {
		checkQuery(query);
		return this.engine.read(this.scope, query, this.clock);
	}

	@Override
	public List<String> list(Query query) {
		checkQuery(query);
		return this.engine.list(this.scope, query, this.clock);
	}

	@Override
	public StoreRecord write(StoreRecord record, WriteOptions options) {
		if (record == null || options == null) {
			throw new InvalidRecordException("StoreRecord and write options must not be null");
		}
		checkKey(record.key());
		checkValue(record);
		Write write = new Write(record.key(), record.value(), record.metadata(), expiresAt(record, options),
				options.expectedVersion(), options.fence());
		return this.engine.write(this.scope, write, this.clock);
	}

	@Override
	public boolean delete(String key) {
		checkKey(key);
		return this.engine.delete(this.scope, key, null, this.clock);
	}

	@Override
	public void delete(String key, long expectedVersion) {
		checkKey(key);
		if (expectedVersion < 1) {
			throw new InvalidQueryException("Expected version of a delete must be positive, got " + expectedVersion);
		}
		this.engine.delete(this.scope, key, expectedVersion, this.clock);
	}

	@Override
	public int purgeExpired() {
		return this.engine.purgeExpired(this.clock);
	}

	@Override
	public String toString() {
		return "DefaultStore[" + this.engine.backend() + ", " + this.scope.database() + "/" + this.scope.table() + "]";
	}

	private static void checkKey(@Nullable String key) {
		if (key == null || key.isEmpty()) {
			throw new InvalidKeyException("Key must not be null or empty");
		}
		int bytes = 0;
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (c == 0) {
				throw new InvalidKeyException("Key must not contain the NUL character (at index " + i + ")");
			}
			if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
				bytes += 4;
				i++;
			}
			else if (Character.isSurrogate(c)) {
				throw new InvalidKeyException("Key has an unpaired surrogate at index " + i + ": not valid UTF-16");
			}
			else {
				bytes += (c < 0x80) ? 1 : (c < 0x800) ? 2 : 3;
			}
		}
		if (bytes > MAX_KEY_BYTES) {
			throw new InvalidKeyException("Key is " + bytes + " bytes in UTF-8, longer than the maximum of "
					+ MAX_KEY_BYTES + "; hash long natural keys or store them in the value");
		}
	}

	private void checkValue(StoreRecord record) {
		if (record.value() == null) {
			throw new InvalidRecordException("Value of '" + record.key() + "' must not be null; use an empty array");
		}
		if (record.value().length > this.options.maxValueBytes()) {
			throw new ValueTooLargeException("Value of '" + record.key() + "' is " + record.value().length
					+ " bytes, larger than the maximum of " + this.options.maxValueBytes()
					+ " (phanes.store.max-value-size)");
		}
		if (!record.metadata().isEmpty()) {
			int size = MetadataCodec.encodedSize(record.metadata());
			if (size > MAX_METADATA_BYTES) {
				throw new InvalidRecordException("Metadata of '" + record.key() + "' encodes to " + size
						+ " bytes, larger than the maximum of " + MAX_METADATA_BYTES);
			}
		}
	}

	private static void checkQuery(@Nullable Query query) {
		if (query == null) {
			throw new InvalidQueryException("Query must not be null; use Query.all()");
		}
	}

	private @Nullable Long expiresAt(StoreRecord record, WriteOptions options) {
		if (options.ttl() != null) {
			try {
				return Math.addExact(this.clock.millis(), options.ttl().toMillis());
			}
			catch (ArithmeticException ex) {
				throw new InvalidExpiryException("TTL " + options.ttl() + " is too long");
			}
		}
		Instant expiresAt = (options.expiresAt() != null) ? options.expiresAt() : record.expiresAt();
		if (expiresAt == null) {
			return null;
		}
		long millis;
		try {
			millis = expiresAt.toEpochMilli();
		}
		catch (ArithmeticException ex) {
			throw new InvalidExpiryException("Expiry " + expiresAt + " is out of range");
		}
		if (millis <= this.clock.millis()) {
			throw new InvalidExpiryException(
					"Expiry " + expiresAt + " of '" + record.key() + "' lies in the past; delete the record instead");
		}
		return millis;
	}

}
