/**
 * JMH benchmarks of the Phanes store backends, each beside a hand-written baseline on the
 * same engine so that a run yields a ratio.
 */
@NullMarked
package dev.phanes.benchmarks;

import org.jspecify.annotations.NullMarked;
