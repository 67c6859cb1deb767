package dev.phanes.store;

/**
 * Thrown when a record is malformed: a null value, or metadata with a null or empty name,
 * a null value or an encoding larger than {@link DefaultStore#MAX_METADATA_BYTES}.
 * Nothing is changed.
 */
public class InvalidRecordException extends StoreException {

	/**
	 * Create an exception.
	 * @param message what was wrong
	 */
	public InvalidRecordException(String message) {
		super(message);
	}

}
