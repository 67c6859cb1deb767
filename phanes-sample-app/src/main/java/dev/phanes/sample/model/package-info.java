/**
 * What the notes API receives and returns.
 */
@NullMarked
package dev.phanes.sample.model;

import org.jspecify.annotations.NullMarked;
