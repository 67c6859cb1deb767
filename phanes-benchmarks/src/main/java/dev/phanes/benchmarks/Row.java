package dev.phanes.benchmarks;

import org.jspecify.annotations.Nullable;

/**
 * A row of {@code phanes_store} as the hand-written baselines return it.
 *
 * @param value the value
 * @param metadata the encoded metadata, or {@code null}
 * @param expiresAt the expiry in epoch milliseconds, or {@code null}
 * @param version the version
 */
record Row(byte[] value, byte @Nullable [] metadata, @Nullable Long expiresAt, long version) {

}
