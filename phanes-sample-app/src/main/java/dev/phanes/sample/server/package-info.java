/**
 * The HTTP API of the notes service.
 */
@NullMarked
package dev.phanes.sample.server;

import org.jspecify.annotations.NullMarked;
