/**
 * A notes service built on Phanes: a WebFlux API over the Phanes store, runnable with no
 * infrastructure.
 */
@NullMarked
package dev.phanes.sample;

import org.jspecify.annotations.NullMarked;
