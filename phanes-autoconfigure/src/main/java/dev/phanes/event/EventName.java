package dev.phanes.event;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The logical name of a payload type on the wire; without it the simple class name is
 * used. Names, not class names, travel, so that renaming a class or package does not
 * break other services.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Documented
public @interface EventName {

	/**
	 * The logical name.
	 * @return the name
	 */
	String value();

}
