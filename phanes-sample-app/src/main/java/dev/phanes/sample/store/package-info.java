/**
 * Notes in the Phanes store: reactive access that keeps blocking store calls off the
 * event loop.
 */
@NullMarked
package dev.phanes.sample.store;

import org.jspecify.annotations.NullMarked;
