/**
 * Locks on etcd: {@link dev.phanes.sync.etcd.EtcdLockEngine} over etcd's lock service,
 * one lease per process kept alive by one stream, fencing tokens from etcd's revisions.
 */
@NullMarked
package dev.phanes.sync.etcd;

import org.jspecify.annotations.NullMarked;
