package dev.phanes.store;

/**
 * Thrown when a value or its metadata is larger than the configured maximum
 * ({@code phanes.store.max-value-size}). Nothing is changed.
 */
public class ValueTooLargeException extends StoreException {

	/**
	 * Create an exception.
	 * @param message what was wrong
	 */
	public ValueTooLargeException(String message) {
		super(message);
	}

}
