/**
 * The file engine of the store: one SQLite file with fsync'd commits.
 */
@NullMarked
package dev.phanes.store.file;

import org.jspecify.annotations.NullMarked;
