package dev.phanes.store;

/**
 * Thrown when the engine behind a store fails: an I/O error, a lost connection, a
 * transaction that could not be committed. The cause carries the engine's own error.
 */
public class StoreAccessException extends StoreException {

	/**
	 * Create an exception.
	 * @param message what failed
	 * @param cause the engine's error
	 */
	public StoreAccessException(String message, Throwable cause) {
		super(message, cause);
	}

}
