/**
 * The Store block: a key-value {@link dev.phanes.store.Store}, implemented once by
 * {@link dev.phanes.store.DefaultStore} on a {@link dev.phanes.store.StoreEngine}: in
 * memory by default, in a file ({@code store.file}) or through JPA for CockroachDB and
 * PostgreSQL ({@code store.jpa}).
 */
@NullMarked
package dev.phanes.store;

import org.jspecify.annotations.NullMarked;
