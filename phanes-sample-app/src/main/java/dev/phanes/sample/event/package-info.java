/**
 * The notes' domain events on the Phanes event bus, and a listener that reacts to them.
 */
@NullMarked
package dev.phanes.sample.event;

import org.jspecify.annotations.NullMarked;
