package dev.phanes.event;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a payload type whose instances, published with
 * {@code ApplicationEventPublisher.publishEvent(Object)}, are also published on the bus
 * to a topic: Phanes subscribers receive them and, with Kafka, other services do.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Documented
public @interface ExportedEvent {

	/**
	 * The topic to publish to.
	 * @return the topic
	 */
	String topic();

	/**
	 * Name of a record component or bean property of the payload whose value becomes the
	 * ordering key; empty for none.
	 * @return the key property
	 */
	String key() default "";

}
