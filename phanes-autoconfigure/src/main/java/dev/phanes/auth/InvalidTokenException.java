package dev.phanes.auth;

/**
 * A token was refused. The message says why in terms safe to send back to the caller: it
 * never contains the token or any part of it.
 */
public class InvalidTokenException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param reason why the token was refused, without the token
	 */
	public InvalidTokenException(String reason) {
		super(reason, null, false, false);
	}

}
