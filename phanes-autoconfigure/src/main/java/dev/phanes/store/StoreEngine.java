package dev.phanes.store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The storage a {@link DefaultStore} runs on: the raw operations of one backend (memory,
 * file, JPA, or yours), and nothing else.
 * <p>
 * This is the service provider interface of the Store block. The {@link DefaultStore}
 * wrapping an engine validates keys, values, names and queries, decides expiries, and
 * hands the engine only valid input: an engine checks nothing but the versions it stores.
 * Every operation names the database and table it works on, so one engine serves every
 * view of the store. An operation reads the {@link Clock} it is given, if it needs the
 * time at all, to tell live records from expired ones. An engine must be thread-safe and
 * must follow the version rule of {@link Write#nextVersion(long)}; the conformance suite
 * every engine runs checks both.
 */
public interface StoreEngine {

	/**
	 * Short name of the backend ({@code memory}, {@code file}, {@code jpa}): the
	 * {@code backend} tag of observations and detail of health.
	 * @return the backend name
	 */
	String backend();

	/**
	 * Read a live record.
	 * @param scope the database and table
	 * @param key a valid key
	 * @param clock the store's clock, read only if the record can expire
	 * @return the record, or {@code null} if absent or expired
	 */
	@Nullable StoreRecord read(Scope scope, String key, Clock clock);

	/**
	 * Read the live records matching a query, in byte-wise order of the keys' UTF-8
	 * encoding.
	 * @param scope the database and table
	 * @param query a valid query
	 * @param clock the store's clock
	 * @return the records
	 */
	List<StoreRecord> read(Scope scope, Query query, Clock clock);

	/**
	 * List the keys of the live records matching a query, in the order of
	 * {@link #read(Scope, Query, Clock)}.
	 * @param scope the database and table
	 * @param query a valid query
	 * @param clock the store's clock
	 * @return the keys
	 */
	List<String> list(Scope scope, Query query, Clock clock);

	/**
	 * Write a validated record atomically, at the version {@link Write#nextVersion(long)}
	 * decides from the live version.
	 * @param scope the database and table
	 * @param write the write, its expiry decided
	 * @param clock the store's clock
	 * @return the record as stored
	 * @throws VersionConflictException if the write expects another version
	 */
	StoreRecord write(Scope scope, Write write, Clock clock);

	/**
	 * Delete a record atomically, after {@link #checkVersion(String, long, Long)}.
	 * @param scope the database and table
	 * @param key a valid key
	 * @param expectedVersion the version the live record must have, or {@code null}
	 * @param clock the store's clock
	 * @return whether a live record was deleted
	 * @throws VersionConflictException if the live record has another version
	 */
	boolean delete(Scope scope, String key, @Nullable Long expectedVersion, Clock clock);

	/**
	 * Remove the expired records of every database and table of this engine.
	 * @param clock the store's clock
	 * @return how many records were removed
	 */
	int purgeExpired(Clock clock);

	/**
	 * Check that a live version is the expected one.
	 * @param key the key
	 * @param liveVersion the version stored, 0 if absent or expired
	 * @param expectedVersion the version required, or {@code null} for none
	 * @throws VersionConflictException if the live version is not the expected one
	 */
	static void checkVersion(String key, long liveVersion, @Nullable Long expectedVersion) {
		if (expectedVersion != null && expectedVersion != liveVersion) {
			throw new VersionConflictException(key, expectedVersion, liveVersion);
		}
	}

	/**
	 * Build a record as an engine read it.
	 * @param key the key
	 * @param value the value
	 * @param metadata the metadata
	 * @param expiresAt the expiry in epoch milliseconds, or {@code null}
	 * @param version the version
	 * @return the record
	 */
	static StoreRecord record(String key, byte[] value, Map<String, String> metadata, @Nullable Long expiresAt,
			long version) {
		return new StoreRecord(key, value, metadata, (expiresAt != null) ? Instant.ofEpochMilli(expiresAt) : null,
				version);
	}

	/**
	 * The database and table an operation works on, both valid names.
	 *
	 * @param database the database name
	 * @param table the table name
	 */
	record Scope(String database, String table) {

		private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,62}");

		/**
		 * The scope a {@link DefaultStore} starts on.
		 */
		public static final Scope DEFAULT = new Scope(DefaultStore.DEFAULT_DATABASE, DefaultStore.DEFAULT_TABLE);

		/**
		 * Create a scope, validating both names.
		 * @param database the database name
		 * @param table the table name
		 * @throws InvalidNameException if a name is not valid
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
	 * @param value the value, not copied: an engine that keeps the array copies it
	 * @param metadata the metadata
	 * @param expiresAt the expiry in epoch milliseconds, or {@code null} for never
	 * @param expectedVersion the version the write requires (0: absent or expired), or
	 * {@code null} for an unconditional write
	 * @param fence the lock whose fencing token guards the write, or {@code null}: the
	 * engine refuses the write with {@link StaleFencingTokenException} if that lock name
	 * has written with a higher token, and records the token, atomically with the write
	 */
	record Write(String key, byte[] value, Map<String, String> metadata, @Nullable Long expiresAt,
			@Nullable Long expectedVersion, @Nullable Fence fence) {

		/**
		 * Refuse this write if its fence's token is below the highest one written with.
		 * @param highestToken the highest token of the fence's name, 0 if none
		 * @throws StaleFencingTokenException if the token is stale
		 */
		public void checkFence(long highestToken) {
			if (this.fence != null && this.fence.token() < highestToken) {
				throw new StaleFencingTokenException(this.key, this.fence.lockName(), this.fence.token(), highestToken);
			}
		}

		/**
		 * Decide the version of this write: one more than the live version, or a
		 * conflict.
		 * @param liveVersion the version stored, 0 if absent or expired
		 * @return the new version
		 * @throws VersionConflictException if the live version is not the expected one
		 */
		public long nextVersion(long liveVersion) {
			checkVersion(this.key, liveVersion, this.expectedVersion);
			return liveVersion + 1;
		}

		/**
		 * The record as stored at a version.
		 * @param version the version
		 * @return the record
		 */
		public StoreRecord stored(long version) {
			return record(this.key, this.value, this.metadata, this.expiresAt, version);
		}

	}

}
