/**
 * The Kafka transport of the event bus, built on Spring Boot's Kafka auto-configuration.
 */
@NullMarked
package dev.phanes.event.kafka;

import org.jspecify.annotations.NullMarked;
