package dev.phanes.config;

import org.jspecify.annotations.Nullable;

/**
 * Base of the config block's exceptions.
 */
public class ConfigException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message what went wrong and what to do
	 * @param cause the cause, if any
	 */
	public ConfigException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
