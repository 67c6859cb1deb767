package dev.phanes.collector;

/**
 * A filter of the log or trace endpoints that cannot be understood; its message says
 * which parameter and what it accepts.
 */
public class InvalidFilterException extends IllegalArgumentException {

	/**
	 * Create an exception.
	 * @param message what was wrong and what is accepted
	 */
	public InvalidFilterException(String message) {
		super(message);
	}

}
