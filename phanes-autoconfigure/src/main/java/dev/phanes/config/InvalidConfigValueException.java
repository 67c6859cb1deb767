package dev.phanes.config;

import org.jspecify.annotations.Nullable;

/**
 * A value in a configuration source that cannot become properties, such as a document
 * that does not parse. A reload that meets one is rejected and the last good values stay.
 */
public class InvalidConfigValueException extends ConfigException {

	/**
	 * Create an exception.
	 * @param message what is wrong, where, and what to do
	 * @param cause the parser's exception, if any
	 */
	public InvalidConfigValueException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
