package dev.phanes.auth;

/**
 * Where outgoing calls get the token they carry: this service's own signed tokens by
 * default, or an access token of the configured issuer.
 */
@FunctionalInterface
public interface OutgoingTokens {

	/**
	 * Return a token for a call to a service, cached while it stays valid long enough.
	 * @param audience the called service
	 * @return the token, without the {@code Bearer } prefix
	 */
	String tokenFor(String audience);

}
