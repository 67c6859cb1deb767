package dev.phanes.auth;

/**
 * Verifies the token of an incoming call.
 */
@FunctionalInterface
public interface IncomingTokens {

	/**
	 * Verify a bearer token.
	 * @param token the token, without the {@code Bearer } prefix
	 * @return who it identifies
	 * @throws InvalidTokenException if it is refused, saying why without the token
	 */
	AuthPrincipal verify(String token);

}
