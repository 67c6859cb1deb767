/**
 * The JPA engine of the store, for CockroachDB and PostgreSQL.
 */
@NullMarked
package dev.phanes.store.jpa;

import org.jspecify.annotations.NullMarked;
