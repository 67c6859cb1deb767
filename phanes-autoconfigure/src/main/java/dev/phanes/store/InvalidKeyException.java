package dev.phanes.store;

/**
 * Thrown when a key is null, empty, longer than {@link Store#MAX_KEY_BYTES} in UTF-8, or
 * not encodable (a NUL character or an unpaired surrogate). Nothing is changed.
 */
public class InvalidKeyException extends StoreException {

	/**
	 * Create an exception.
	 * @param message what was wrong
	 */
	public InvalidKeyException(String message) {
		super(message);
	}

}
