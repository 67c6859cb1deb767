/**
 * A process of the Sync tests.
 */
@NullMarked
package dev.phanes.test.sync;

import org.jspecify.annotations.NullMarked;
