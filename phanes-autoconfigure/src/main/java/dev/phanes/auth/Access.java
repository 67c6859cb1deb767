package dev.phanes.auth;

/**
 * What an {@link AuthRule} does to the requests it matches. Bound from configuration
 * without regard to case ({@code grant}, {@code DENY}).
 */
public enum Access {

	/**
	 * Let the request through.
	 */
	GRANT,

	/**
	 * Refuse the request.
	 */
	DENY

}
