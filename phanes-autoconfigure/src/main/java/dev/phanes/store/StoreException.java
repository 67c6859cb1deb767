package dev.phanes.store;

/**
 * Base of the exceptions a {@link Store} throws. The message says what was wrong and,
 * where it helps, what to do.
 */
public class StoreException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message what went wrong
	 */
	public StoreException(String message) {
		super(message);
	}

	/**
	 * Create an exception with a cause.
	 * @param message what went wrong
	 * @param cause the cause
	 */
	public StoreException(String message, Throwable cause) {
		super(message, cause);
	}

}
