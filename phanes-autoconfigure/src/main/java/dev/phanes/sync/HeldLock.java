package dev.phanes.sync;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A lock held by a thread of this process.
 *
 * @param name the lock's name
 * @param fencingToken the token of the hold
 * @param since when it was acquired
 * @param thread the name of the holding thread
 * @param lost why the hold was lost, or {@code null} while it is held
 */
public record HeldLock(String name, long fencingToken, Instant since, String thread, @Nullable String lost) {

}
