/**
 * The Sync block: distributed locks and leader election with fencing tokens, on Spring
 * Integration's {@code LockRegistry} and leader events. One
 * {@link dev.phanes.sync.DefaultFencedLockRegistry} runs over a
 * {@link dev.phanes.sync.LockEngine}: in memory by default, on a database through
 * {@code sync.jdbc}, on etcd through {@code sync.etcd}.
 */
@NullMarked
package dev.phanes.sync;

import org.jspecify.annotations.NullMarked;
