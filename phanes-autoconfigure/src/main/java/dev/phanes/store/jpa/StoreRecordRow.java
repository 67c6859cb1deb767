package dev.phanes.store.jpa;

import org.jspecify.annotations.Nullable;

/**
 * The columns of one {@code phanes_store} row as a JPQL projection: reads never load
 * {@link StoreRecordEntity} into the persistence context, so a read after a native write
 * in the same transaction never sees a stale entity.
 *
 * @param key the key
 * @param value the value
 * @param metadata the encoded metadata, or {@code null}
 * @param expiresAt the expiry in epoch milliseconds, or {@code null}
 * @param version the version
 */
record StoreRecordRow(String key, byte[] value, byte @Nullable [] metadata, @Nullable Long expiresAt, long version) {

}
