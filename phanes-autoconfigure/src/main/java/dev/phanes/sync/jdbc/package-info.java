/**
 * The JDBC engine of the Sync block: Spring Integration's lock table and repository, with
 * fencing tokens, for PostgreSQL and CockroachDB.
 */
@NullMarked
package dev.phanes.sync.jdbc;

import org.jspecify.annotations.NullMarked;
