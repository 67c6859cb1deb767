package dev.phanes.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An object read from a {@link JsonStore} with the version of the record it came from, to
 * pass to a conditional write ({@link WriteOptions#ifVersion(long)}) or delete.
 *
 * @param <T> the type of the object
 * @param key the key
 * @param value the object
 * @param version the record's version, as {@link StoreRecord#version()}
 * @param expiresAt when the record expires, or {@code null} if it does not
 */
public record Versioned<T>(String key, T value, long version, @Nullable Instant expiresAt) {

}
