/**
 * What every block's observations share, and no block's logic: the documentation
 * interface each block's observation enum implements, the base of their contexts, and the
 * meter handler that records them. Blocks depend on this package, never on each other.
 */
@NullMarked
package dev.phanes.observation;

import org.jspecify.annotations.NullMarked;
