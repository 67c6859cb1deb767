/**
 * The Collectors block: recent logs and traces kept in bounded buffers and read through
 * Actuator endpoints, and the naming rules of every Phanes meter and observation.
 */
@NullMarked
package dev.phanes.collector;

import org.jspecify.annotations.NullMarked;
