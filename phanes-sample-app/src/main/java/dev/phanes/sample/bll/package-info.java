/**
 * The notes' business rules: validation, id assignment, optimistic concurrency.
 */
@NullMarked
package dev.phanes.sample.bll;

import org.jspecify.annotations.NullMarked;
