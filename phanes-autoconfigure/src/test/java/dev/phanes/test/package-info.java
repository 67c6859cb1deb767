/**
 * Fixtures shared by the tests: real engines and a clock tests move.
 */
@NullMarked
package dev.phanes.test;

import org.jspecify.annotations.NullMarked;
