package dev.phanes.store;

/**
 * Thrown when a time to live is not positive, an expiry lies in the past, or both are
 * given. Nothing is changed.
 */
public class InvalidExpiryException extends StoreException {

	/**
	 * Create an exception.
	 * @param message what was wrong
	 */
	public InvalidExpiryException(String message) {
		super(message);
	}

}
