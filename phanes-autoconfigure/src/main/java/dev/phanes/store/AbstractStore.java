package dev.phanes.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Base of the Phanes backends: validates input, decides expiry and versions, observes
 * each operation, and leaves the storage to the subclass.
 * <p>
 * Subclasses are views on one database and table and share their engine with the views
 * {@link #database(String)} and {@link #table(String)} return. They must be thread-safe.
 */
public abstract class AbstractStore implements Store {

	/**
	 * Largest encoded metadata accepted, in bytes.
	 */
	public static final int MAX_METADATA_BYTES = 64 * 1024;

	/**
	 * Database a store uses unless told otherwise.
	 */
	public static final String DEFAULT_DATABASE = "phanes";

	/**
	 * Table a store uses unless told otherwise.
	 */
	public static final String DEFAULT_TABLE = "default";

	private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,62}");

	private static final StoreObservationConvention DEFAULT_CONVENTION = new DefaultStoreObservationConvention();

	private final Scope scope;

	private final StoreOptions options;

	/**
	 * Create a view.
	 * @param scope the database and table of the view
	 * @param options the shared settings
	 */
	protected AbstractStore(Scope scope, StoreOptions options) {
		this.scope = scope;
		this.options = options;
	}

	/**
	 * Short name of the backend ({@code memory}, {@code file}, {@code jpa}), used as the
	 * {@code backend} tag of observations and in health details.
	 * @return the backend name
	 */
	public abstract String backend();

	/**
	 * Create a view on another scope sharing this view's engine.
	 * @param scope the scope
	 * @return the view
	 */
	protected abstract AbstractStore withScope(Scope scope);

	/**
	 * Read a live record. The time, when needed, is {@link #now()}: a backend that can
	 * tell a record never expires need not read the clock.
	 * @param key a valid key
	 * @return the record, or {@code null} if absent or expired
	 */
	protected abstract @Nullable StoreRecord doRead(String key);

	/**
	 * Read the live records matching a query, in key order.
	 * @param query the query
	 * @param now the current time in epoch milliseconds
	 * @return the records
	 */
	protected abstract List<StoreRecord> doRead(Query query, long now);

	/**
	 * List the keys of the live records matching a query, in key order.
	 * @param query the query
	 * @param now the current time in epoch milliseconds
	 * @return the keys
	 */
	protected abstract List<String> doList(Query query, long now);

	/**
	 * Write a validated record atomically. The version follows
	 * {@link #nextVersion(String, long, Long)}: one more than the live version (0 when
	 * absent or expired), or a {@link VersionConflictException} when the write expects
	 * another. The time, when needed, is {@link #now()}.
	 * @param write the write
	 * @return the record as stored
	 */
	protected abstract StoreRecord doWrite(Write write);

	/**
	 * Delete a record atomically, checking its version with
	 * {@link #checkVersion(String, long, Long)} first.
	 * @param key a valid key
	 * @param expectedVersion the version the live record must have, or {@code null}
	 * @param now the current time in epoch milliseconds
	 * @return whether a live record was deleted
	 */
	protected abstract boolean doDelete(String key, @Nullable Long expectedVersion, long now);

	/**
	 * Remove every expired record of every database and table of this engine.
	 * @return how many records were removed
	 */
	public abstract int purgeExpired();

	@Override
	public final String database() {
		return this.scope.database();
	}

	@Override
	public final String table() {
		return this.scope.table();
	}

	@Override
	public final Store database(String database) {
		return withScope(new Scope(database, this.scope.table()));
	}

	@Override
	public final Store table(String table) {
		return withScope(new Scope(this.scope.database(), table));
	}

	@Override
	public final Optional<StoreRecord> read(String key) {
		checkKey(key);
		if (isUnobserved()) {
			return Optional.ofNullable(doRead(key));
		}
		return observe("read", () -> Optional.ofNullable(doRead(key)));
	}

	@Override
	public final List<StoreRecord> read(Query query) {
		checkQuery(query);
		return observe("read", () -> doRead(query, now()));
	}

	@Override
	public final List<String> list(Query query) {
		checkQuery(query);
		return observe("list", () -> doList(query, now()));
	}

	@Override
	public final StoreRecord write(StoreRecord record, WriteOptions options) {
		if (record == null || options == null) {
			throw new InvalidRecordException("StoreRecord and write options must not be null");
		}
		checkKey(record.key());
		checkValue(record);
		Write write = new Write(record.key(), record.value(), record.metadata(), expiresAt(record, options),
				options.expectedVersion());
		if (isUnobserved()) {
			return doWrite(write);
		}
		return observe("write", () -> doWrite(write));
	}

	@Override
	public final boolean delete(String key) {
		checkKey(key);
		return observe("delete", () -> doDelete(key, null, now()));
	}

	@Override
	public final void delete(String key, long expectedVersion) {
		checkKey(key);
		if (expectedVersion < 1) {
			throw new InvalidQueryException("Expected version of a delete must be positive, got " + expectedVersion);
		}
		observe("delete", () -> doDelete(key, expectedVersion, now()));
	}

	/**
	 * The scope of this view.
	 * @return the scope
	 */
	protected final Scope scope() {
		return this.scope;
	}

	/**
	 * The settings shared by this engine's views.
	 * @return the options
	 */
	protected final StoreOptions options() {
		return this.options;
	}

	/**
	 * The current time of the store's clock.
	 * @return epoch milliseconds
	 */
	protected final long now() {
		return this.options.clock().millis();
	}

	/**
	 * Decide the version of a write: one more than the live version, or a conflict.
	 * @param key the key written
	 * @param liveVersion the version stored, 0 if absent or expired
	 * @param expectedVersion the version the write requires, or {@code null}
	 * @return the new version
	 * @throws VersionConflictException if the live version is not the expected one
	 */
	protected static long nextVersion(String key, long liveVersion, @Nullable Long expectedVersion) {
		checkVersion(key, liveVersion, expectedVersion);
		return liveVersion + 1;
	}

	/**
	 * Check that a live version is the expected one.
	 * @param key the key
	 * @param liveVersion the version stored, 0 if absent or expired
	 * @param expectedVersion the version required, or {@code null} for none
	 * @throws VersionConflictException if the live version is not the expected one
	 */
	protected static void checkVersion(String key, long liveVersion, @Nullable Long expectedVersion) {
		if (expectedVersion != null && expectedVersion != liveVersion) {
			throw new VersionConflictException(key, expectedVersion, liveVersion);
		}
	}

	/**
	 * Whether a record with an expiry is live at a time.
	 * @param expiresAt the expiry in epoch milliseconds, or {@code null}
	 * @param now the time in epoch milliseconds
	 * @return whether it is live
	 */
	protected static boolean isLive(@Nullable Long expiresAt, long now) {
		return expiresAt == null || expiresAt > now;
	}

	/**
	 * Build a record as read from an engine.
	 * @param key the key
	 * @param value the value
	 * @param metadata the metadata
	 * @param expiresAt the expiry in epoch milliseconds, or {@code null}
	 * @param version the version
	 * @return the record
	 */
	protected static StoreRecord record(String key, byte[] value, Map<String, String> metadata,
			@Nullable Long expiresAt, long version) {
		return new StoreRecord(key, value, metadata, (expiresAt != null) ? Instant.ofEpochMilli(expiresAt) : null,
				version);
	}

	private boolean isUnobserved() {
		return this.options.observationRegistry().isNoop();
	}

	private <T> T observe(String operation, Supplier<T> action) {
		ObservationRegistry registry = this.options.observationRegistry();
		if (registry.isNoop()) {
			return action.get();
		}
		StoreObservationContext context = new StoreObservationContext(backend(), operation, this.scope.database(),
				this.scope.table());
		Observation observation = Observation.createNotStarted(null, DEFAULT_CONVENTION, () -> context, registry)
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			return action.get();
		}
		catch (VersionConflictException ex) {
			// An expected outcome of optimistic concurrency, not an error of the store.
			context.setOutcome(StoreObservationContext.Outcome.CONFLICT);
			throw ex;
		}
		catch (RuntimeException ex) {
			context.setOutcome(StoreObservationContext.Outcome.ERROR);
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
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
				return Math.addExact(now(), options.ttl().toMillis());
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
		if (millis <= now()) {
			throw new InvalidExpiryException(
					"Expiry " + expiresAt + " of '" + record.key() + "' lies in the past; delete the record instead");
		}
		return millis;
	}

	/**
	 * The database and table a view reads and writes.
	 *
	 * @param database the database name
	 * @param table the table name
	 */
	public record Scope(String database, String table) {

		/**
		 * The default scope.
		 */
		public static final Scope DEFAULT = new Scope(DEFAULT_DATABASE, DEFAULT_TABLE);

		/**
		 * Create a scope, validating both names.
		 * @param database the database name
		 * @param table the table name
		 */
		public Scope {
			checkName("Database", database);
			checkName("Table", table);
		}

		private static void checkName(String what, @Nullable String name) {
			if (name == null || !NAME.matcher(name).matches()) {
				throw new InvalidNameException(what + " name '" + name
						+ "' is not valid: use a letter then up to 62 letters, digits, '_' or '-'");
			}
		}

	}

	/**
	 * A validated write.
	 *
	 * @param key the key
	 * @param value the value
	 * @param metadata the metadata
	 * @param expiresAt the expiry in epoch milliseconds, or {@code null}
	 * @param expectedVersion the version the write requires, or {@code null}
	 */
	protected record Write(String key, byte[] value, Map<String, String> metadata, @Nullable Long expiresAt,
			@Nullable Long expectedVersion) {

		/**
		 * The record as stored with a version.
		 * @param version the version
		 * @return the record
		 */
		public StoreRecord stored(long version) {
			return record(this.key, this.value, this.metadata, this.expiresAt, version);
		}

	}

}
