/**
 * The Store block: a key-value {@link dev.phanes.store.Store} with an in-memory default,
 * a file backend and a JPA backend for CockroachDB and PostgreSQL.
 */
@NullMarked
package dev.phanes.store;

import org.jspecify.annotations.NullMarked;
