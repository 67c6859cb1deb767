package dev.phanes.auth;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.web.client.RestTemplate;

/**
 * Verifies access tokens of an OAuth2/OIDC issuer as a Spring Security resource server
 * does ({@link NimbusJwtDecoder} over the issuer's JWK set, found through its metadata):
 * signature, issuer, expiry and not-before (with the clock skew), and this service among
 * the audiences. The caller is a service when the token has the service claim (the client
 * of a client-credentials grant), an end user otherwise; the rules see the scopes of both
 * ({@code scope} or {@code scp}). A token is a service's when its service claim names its
 * subject, as in a client-credentials token; an end user's token may name the client it
 * logged in through, but its subject is the user.
 */
final class IssuerTokenVerifier implements IncomingTokens {

	private final JwtDecoder decoder;

	private final String serviceClaim;

	private final int maxSize;

	/**
	 * Create a verifier; the issuer's metadata is read at the first token, and again
	 * after a failure.
	 * @param issuer the issuer URI
	 * @param service this service's name, required among the audiences
	 * @param serviceClaim the claim naming the calling service
	 * @param maxSize the longest token accepted
	 * @param clockSkew the tolerated clock skew
	 * @param timeout the longest wait for the issuer's metadata and keys
	 */
	IssuerTokenVerifier(String issuer, String service, String serviceClaim, int maxSize, Duration clockSkew,
			Duration timeout) {
		// built at the first token, and again after a failure: a service starts while its
		// issuer is away, and refuses tokens (401) until it can read the issuer's keys
		this.decoder = new SupplierJwtDecoder(() -> {
			SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
			requests.setConnectTimeout(timeout);
			requests.setReadTimeout(timeout);
			NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(issuer)
				.restOperations(new RestTemplate(requests))
				.build();
			OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<List<String>>("aud",
					(aud) -> aud != null && aud.contains(service));
			decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(clockSkew),
					new JwtIssuerValidator(issuer), audience));
			return decoder;
		});
		this.serviceClaim = serviceClaim;
		this.maxSize = maxSize;
	}

	@Override
	public AuthPrincipal verify(String token) {
		if (token.length() > this.maxSize) {
			throw new InvalidTokenException("token longer than " + this.maxSize + " characters");
		}
		Jwt jwt;
		try {
			jwt = this.decoder.decode(token);
		}
		catch (JwtDecoderInitializationException ex) {
			throw new InvalidTokenException("the issuer's keys could not be read");
		}
		catch (JwtException ex) {
			// Spring Security's messages name the failed check, not the token's content
			throw new InvalidTokenException(reason(ex));
		}
		Set<String> scopes = new LinkedHashSet<>();
		Object scope = jwt.getClaims().get("scope");
		if (scope instanceof String text) {
			for (String part : text.split(" ")) {
				if (!part.isEmpty()) {
					scopes.add(part);
				}
			}
		}
		else if (scope instanceof List<?> list) {
			list.forEach((item) -> scopes.add(String.valueOf(item)));
		}
		if (jwt.getClaims().get("scp") instanceof List<?> list) {
			list.forEach((item) -> scopes.add(String.valueOf(item)));
		}
		if (jwt.getExpiresAt() == null) {
			throw new InvalidTokenException("no expiry");
		}
		String subject = (jwt.getSubject() != null) ? jwt.getSubject() : "";
		// a service is a client acting for itself (client credentials: the subject is the
		// client); an end user's token names the client it logged in through, too
		String client = jwt.getClaimAsString(this.serviceClaim);
		String service = (client != null && client.equals(subject)) ? client : null;
		String issuer = (jwt.getIssuer() != null) ? jwt.getIssuer().toString() : "";
		return new AuthPrincipal(subject, service, scopes, issuer, jwt.getExpiresAt());
	}

	private static String reason(JwtException ex) {
		String message = String.valueOf(ex.getMessage()).toLowerCase(java.util.Locale.ROOT);
		if (message.contains("expired")) {
			return "expired";
		}
		if (message.contains("aud")) {
			return "not issued for this service";
		}
		if (message.contains("iss")) {
			return "wrong issuer";
		}
		if (message.contains("signature") || message.contains("key")) {
			return "bad signature or unknown key";
		}
		if (message.contains("nbf") || message.contains("not before") || message.contains("not yet")) {
			return "not valid yet";
		}
		return "invalid token";
	}

}
