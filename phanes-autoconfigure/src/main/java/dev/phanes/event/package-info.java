/**
 * The event bus block: one {@link dev.phanes.event.EventBus},
 * {@link dev.phanes.event.DefaultEventBus}, that delivers in-process (bridged both ways
 * with {@code ApplicationEvent}s through Spring's {@code ApplicationEventMulticaster})
 * and hands events to an {@link dev.phanes.event.EventTransport} for other processes: the
 * {@link dev.phanes.event.LocalEventTransport} by default, Kafka when configured.
 */
@NullMarked
package dev.phanes.event;

import org.jspecify.annotations.NullMarked;
