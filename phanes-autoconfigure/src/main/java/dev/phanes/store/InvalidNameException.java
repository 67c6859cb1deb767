package dev.phanes.store;

/**
 * Thrown when a database or table name is not an identifier matching
 * {@code [A-Za-z][A-Za-z0-9_-]{0,62}}.
 */
public class InvalidNameException extends StoreException {

	/**
	 * Create an exception.
	 * @param message what was wrong
	 */
	public InvalidNameException(String message) {
		super(message);
	}

}
