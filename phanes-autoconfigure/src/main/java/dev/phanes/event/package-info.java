/**
 * The event bus block: an {@link dev.phanes.event.EventBus} that delivers in-process
 * through Spring's {@code ApplicationEventMulticaster}, bridged both ways with
 * {@code ApplicationEvent}s, and carried between services by Kafka when configured.
 */
@NullMarked
package dev.phanes.event;

import org.jspecify.annotations.NullMarked;
