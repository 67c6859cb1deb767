package dev.phanes.store;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How to write a record: when it expires and which stored version the write requires.
 * <p>
 * A time to live and an absolute expiry are exclusive; with neither, the record keeps the
 * expiry it carries. An expected version of 0 means the key must be absent (or expired);
 * a positive one means the stored record must have exactly that version.
 *
 * @param ttl the time to live, or {@code null}
 * @param expiresAt the absolute expiry, or {@code null}
 * @param expectedVersion the version the stored record must have, or {@code null} for an
 * unconditional write
 * @param fence the lock whose fencing token guards the write, or {@code null}
 */
public record WriteOptions(@Nullable Duration ttl, @Nullable Instant expiresAt, @Nullable Long expectedVersion,
		@Nullable Fence fence) {

	/**
	 * Unconditional write keeping the record's own expiry.
	 */
	public static final WriteOptions NONE = new WriteOptions(null, null, null);

	/**
	 * Create write options without a fence.
	 * @param ttl the time to live, or {@code null}
	 * @param expiresAt the absolute expiry, or {@code null}
	 * @param expectedVersion the expected version, or {@code null}
	 */
	public WriteOptions(@Nullable Duration ttl, @Nullable Instant expiresAt, @Nullable Long expectedVersion) {
		this(ttl, expiresAt, expectedVersion, null);
	}

	/**
	 * Create write options.
	 * @param ttl the time to live, or {@code null}
	 * @param expiresAt the absolute expiry, or {@code null}
	 * @param expectedVersion the expected version, or {@code null}
	 */
	public WriteOptions {
		if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
			throw new InvalidExpiryException("TTL must be positive, got " + ttl);
		}
		if (ttl != null && expiresAt != null) {
			throw new InvalidExpiryException("Give a TTL or an absolute expiry, not both");
		}
		if (expectedVersion != null && expectedVersion < 0) {
			throw new InvalidQueryException("Expected version must be 0 (absent) or positive, got " + expectedVersion);
		}
	}

	/**
	 * Options for a record that expires after a time to live.
	 * @param ttl the time to live, positive
	 * @return the options
	 */
	public static WriteOptions ttl(Duration ttl) {
		if (ttl == null) {
			throw new InvalidExpiryException("TTL must not be null");
		}
		return new WriteOptions(ttl, null, null);
	}

	/**
	 * Options for a record that expires at an instant.
	 * @param expiresAt the expiry
	 * @return the options
	 */
	public static WriteOptions expireAt(Instant expiresAt) {
		if (expiresAt == null) {
			throw new InvalidExpiryException("Expiry must not be null");
		}
		return new WriteOptions(null, expiresAt, null);
	}

	/**
	 * Options for a write that happens only if the stored record has a version.
	 * @param version the version, or 0 to require that the key is absent
	 * @return the options
	 */
	public static WriteOptions ifVersion(long version) {
		return new WriteOptions(null, null, version);
	}

	/**
	 * Options for a write that happens only if the key is absent or expired.
	 * @return the options
	 */
	public static WriteOptions ifAbsent() {
		return ifVersion(0);
	}

	/**
	 * Options for a write guarded by a lock's fencing token: refused with
	 * {@link StaleFencingTokenException} if a higher token of that lock name has written.
	 * @param lockName the lock's name
	 * @param token the holder's fencing token
	 * @return the options
	 */
	public static WriteOptions fenced(String lockName, long token) {
		return new WriteOptions(null, null, null, new Fence(lockName, token));
	}

	/**
	 * Return a copy of these options requiring a stored version.
	 * @param version the version, or 0 to require that the key is absent
	 * @return the copy
	 */
	public WriteOptions withExpectedVersion(long version) {
		return new WriteOptions(this.ttl, this.expiresAt, version, this.fence);
	}

	/**
	 * Return a copy of these options with a time to live.
	 * @param ttl the time to live
	 * @return the copy
	 */
	public WriteOptions withTtl(Duration ttl) {
		return new WriteOptions(ttl, null, this.expectedVersion, this.fence);
	}

	/**
	 * Return a copy of these options guarded by a lock's fencing token.
	 * @param lockName the lock's name
	 * @param token the holder's fencing token
	 * @return the copy
	 */
	public WriteOptions withFence(String lockName, long token) {
		return new WriteOptions(this.ttl, this.expiresAt, this.expectedVersion, new Fence(lockName, token));
	}

}
