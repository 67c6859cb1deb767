package dev.phanes.event;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Subscribes a bean method to a topic at start-up. The method takes one parameter: the
 * payload type, or {@link Event Event&lt;T&gt;} for the envelope too.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Documented
public @interface Subscribe {

	/**
	 * The topic.
	 * @return the topic
	 */
	String topic();

	/**
	 * The consumer group; empty for {@code phanes.event.group}.
	 * @return the group
	 */
	String group() default "";

}
