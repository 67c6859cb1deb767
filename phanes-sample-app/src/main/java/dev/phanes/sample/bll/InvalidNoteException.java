package dev.phanes.sample.bll;

/**
 * Thrown when a request breaks a rule of the notes service, such as a blank title; the
 * message says which rule.
 */
public class InvalidNoteException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message the rule broken and what to do instead
	 */
	public InvalidNoteException(String message) {
		super(message);
	}

}
