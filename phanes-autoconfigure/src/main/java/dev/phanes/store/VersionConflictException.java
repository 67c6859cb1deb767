package dev.phanes.store;

import org.springframework.dao.OptimisticLockingFailureException;

/**
 * Thrown by a conditional write when the stored record does not have the expected
 * version: another writer got there first. Read the record again and retry.
 * <p>
 * An {@link OptimisticLockingFailureException}, as Spring Data's optimistic locking
 * failures are, so {@code @Retryable}, {@code ConcurrencyFailureException} handlers and
 * {@code DataAccessException} translation treat it the same way; not a
 * {@link StoreException}, which is for invalid calls and engine failures.
 */
public class VersionConflictException extends OptimisticLockingFailureException {

	private final String key;

	private final long expectedVersion;

	private final long actualVersion;

	/**
	 * Create an exception.
	 * @param key the key written
	 * @param expectedVersion the version the write required (0 for absent)
	 * @param actualVersion the version stored (0 for absent)
	 */
	public VersionConflictException(String key, long expectedVersion, long actualVersion) {
		super("Conditional write of '" + key + "' expected version " + expectedVersion + " but found " + actualVersion
				+ "; read the record again and retry");
		this.key = key;
		this.expectedVersion = expectedVersion;
		this.actualVersion = actualVersion;
	}

	/**
	 * The key written.
	 * @return the key
	 */
	public String getKey() {
		return this.key;
	}

	/**
	 * The version the write required, 0 for absent.
	 * @return the expected version
	 */
	public long getExpectedVersion() {
		return this.expectedVersion;
	}

	/**
	 * The version stored when the write was tried, 0 for absent.
	 * @return the actual version
	 */
	public long getActualVersion() {
		return this.actualVersion;
	}

}
