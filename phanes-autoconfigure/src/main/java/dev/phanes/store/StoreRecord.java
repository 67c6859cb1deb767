package dev.phanes.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A record of a {@link Store}: a key, a value of bytes, string metadata, an optional
 * expiry and a version.
 * <p>
 * The version is assigned by the store: 1 when a key is written while absent, one more on
 * each later write; 0 in a record that has not been stored. The value array is not copied
 * when read: callers must not modify it.
 *
 * @param key the key
 * @param value the value
 * @param metadata the metadata, never {@code null}
 * @param expiresAt when the record expires, or {@code null} if it does not
 * @param version the version assigned by the store, 0 if not stored yet
 */
public record StoreRecord(String key, byte[] value, Map<String, String> metadata, @Nullable Instant expiresAt,
		long version) {

	/**
	 * Create a record, copying the metadata.
	 * @param key the key
	 * @param value the value
	 * @param metadata the metadata
	 * @param expiresAt when the record expires, or {@code null}
	 * @param version the version
	 */
	public StoreRecord {
		if (metadata == null || metadata.isEmpty()) {
			metadata = Map.of();
		}
		else {
			metadata.forEach((name, text) -> {
				if (name == null || name.isEmpty() || text == null) {
					throw new InvalidRecordException(
							"Metadata names must not be null or empty and values not null, got " + name + "=" + text);
				}
			});
			metadata = Map.copyOf(metadata);
		}
	}

	/**
	 * Create a record to write, with no metadata and no expiry.
	 * @param key the key
	 * @param value the value
	 * @return the record
	 */
	public static StoreRecord of(String key, byte[] value) {
		return new StoreRecord(key, value, Map.of(), null, 0);
	}

	/**
	 * Create a record to write whose value is a string encoded as UTF-8.
	 * @param key the key
	 * @param value the value
	 * @return the record
	 */
	public static StoreRecord of(String key, String value) {
		return of(key, value.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Return a copy of this record with other metadata.
	 * @param metadata the metadata
	 * @return the copy
	 */
	public StoreRecord withMetadata(Map<String, String> metadata) {
		return new StoreRecord(this.key, this.value, metadata, this.expiresAt, this.version);
	}

	/**
	 * Return a copy of this record with another value.
	 * @param value the value
	 * @return the copy
	 */
	public StoreRecord withValue(byte[] value) {
		return new StoreRecord(this.key, value, this.metadata, this.expiresAt, this.version);
	}

	/**
	 * Return the value decoded as UTF-8.
	 * @return the value as a string
	 */
	public String valueAsString() {
		return new String(this.value, StandardCharsets.UTF_8);
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof StoreRecord that) && this.key.equals(that.key) && Arrays.equals(this.value, that.value)
				&& this.metadata.equals(that.metadata) && Objects.equals(this.expiresAt, that.expiresAt)
				&& this.version == that.version;
	}

	@Override
	public int hashCode() {
		return 31 * this.key.hashCode() + Arrays.hashCode(this.value) + Long.hashCode(this.version);
	}

	@Override
	public String toString() {
		return "StoreRecord[key=" + this.key + ", value=" + this.value.length + " bytes, metadata=" + this.metadata
				+ ", expiresAt=" + this.expiresAt + ", version=" + this.version + "]";
	}

}
