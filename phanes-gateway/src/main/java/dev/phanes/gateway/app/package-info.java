/**
 * The runnable Phanes gateway.
 */
@NullMarked
package dev.phanes.gateway.app;

import org.jspecify.annotations.NullMarked;
