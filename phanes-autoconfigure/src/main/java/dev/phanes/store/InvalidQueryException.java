package dev.phanes.store;

/**
 * Thrown when a query or write option is malformed: a null prefix or suffix, a negative
 * limit, offset or version.
 */
public class InvalidQueryException extends StoreException {

	/**
	 * Create an exception.
	 * @param message what was wrong
	 */
	public InvalidQueryException(String message) {
		super(message);
	}

}
