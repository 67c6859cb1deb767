package dev.phanes.auth;

import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Who made a request, as its verified token says: a service (its token issued by itself
 * with Phanes' keys, or by the configured issuer for a client of the client-credentials
 * grant) or an end user of the configured issuer.
 *
 * @param subject the token's subject
 * @param service the calling service, or {@code null} for an end user
 * @param scopes the scopes the token carries
 * @param issuer the token's issuer
 * @param expiresAt when the token expires
 */
public record AuthPrincipal(String subject, @Nullable String service, Set<String> scopes, String issuer,
		Instant expiresAt) {

	/**
	 * The name of the request attribute that holds the principal of an authenticated
	 * request.
	 */
	public static final String ATTRIBUTE = AuthPrincipal.class.getName();

	public AuthPrincipal {
		scopes = Set.copyOf(scopes);
	}

}
