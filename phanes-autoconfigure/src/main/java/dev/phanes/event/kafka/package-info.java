/**
 * The Kafka transport of the event bus, built on Spring Boot's Kafka auto-configuration:
 * {@link dev.phanes.event.kafka.KafkaEventTransport} and the codec, sender, listener
 * containers, dead letters and topic creation it is made of.
 */
@NullMarked
package dev.phanes.event.kafka;

import org.jspecify.annotations.NullMarked;
