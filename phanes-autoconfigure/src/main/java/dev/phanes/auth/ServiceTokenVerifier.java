package dev.phanes.auth;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Verifies the tokens services issue themselves ({@link ServiceTokens}), strictly: at
 * most {@code maxSize} characters; a compact JWS signed with ES256 and nothing else (no
 * {@code none}, no HMAC, no RSA, so no algorithm confusion); no critical headers; a key
 * id that names a key trusted for the service the token names as its issuer (keys in the
 * token itself, {@code jwk}, {@code jku}, {@code x5u}, are never used); the signature
 * checked before any claim is believed; subject equal to issuer; this service among the
 * audiences; expiry, not-before and issue time within {@code clockSkew} of now; a
 * lifetime no longer than {@code maxLifetime}. Reasons never quote the token or any value
 * from it.
 */
final class ServiceTokenVerifier implements IncomingTokens {

	private final TrustedKeys trusted;

	private final String service;

	private final int maxSize;

	private final Duration clockSkew;

	private final Duration maxLifetime;

	private final Clock clock;

	ServiceTokenVerifier(TrustedKeys trusted, String service, int maxSize, Duration clockSkew, Duration maxLifetime,
			Clock clock) {
		this.trusted = trusted;
		this.service = service;
		this.maxSize = maxSize;
		this.clockSkew = clockSkew;
		this.maxLifetime = maxLifetime;
		this.clock = clock;
	}

	@Override
	public AuthPrincipal verify(String token) {
		if (token.length() > this.maxSize) {
			throw new InvalidTokenException("token longer than " + this.maxSize + " characters");
		}
		SignedJWT jwt;
		try {
			jwt = SignedJWT.parse(token);
		}
		catch (ParseException | RuntimeException ex) {
			throw new InvalidTokenException("malformed token");
		}
		JWSHeader header = jwt.getHeader();
		if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
			// the algorithm is the token's text: not quoted back
			throw new InvalidTokenException("unsupported algorithm: only ES256");
		}
		if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
			throw new InvalidTokenException("critical header parameters are not supported");
		}
		if (header.getType() != null && !JOSEObjectType.JWT.equals(header.getType())) {
			throw new InvalidTokenException("not a JWT");
		}
		String keyId = header.getKeyID();
		if (keyId == null) {
			throw new InvalidTokenException("no key id");
		}
		String issuer = unverifiedIssuer(jwt);
		ECKey key = this.trusted.key(issuer, keyId);
		if (key == null) {
			throw new InvalidTokenException("signing key not trusted for the issuer");
		}
		try {
			if (!jwt.verify(new ECDSAVerifier(key))) {
				throw new InvalidTokenException("bad signature");
			}
		}
		catch (JOSEException ex) {
			throw new InvalidTokenException("bad signature");
		}
		return checkClaims(jwt, issuer);
	}

	private static String unverifiedIssuer(SignedJWT jwt) {
		try {
			String issuer = jwt.getJWTClaimsSet().getIssuer();
			if (issuer == null || !KeyDirectory.isServiceName(issuer)) {
				throw new InvalidTokenException("no issuer, or not a service name");
			}
			return issuer;
		}
		catch (ParseException ex) {
			throw new InvalidTokenException("malformed claims");
		}
	}

	private AuthPrincipal checkClaims(SignedJWT jwt, String issuer) {
		JWTClaimsSet claims;
		try {
			claims = jwt.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			throw new InvalidTokenException("malformed claims");
		}
		if (!issuer.equals(claims.getSubject())) {
			throw new InvalidTokenException("subject is not the issuer");
		}
		List<String> audience = claims.getAudience();
		if (audience == null || !audience.contains(this.service)) {
			throw new InvalidTokenException("not issued for this service");
		}
		Instant now = this.clock.instant();
		Date expires = claims.getExpirationTime();
		Date issued = claims.getIssueTime();
		if (expires == null || issued == null) {
			throw new InvalidTokenException("no expiry or issue time");
		}
		if (!expires.toInstant().plus(this.clockSkew).isAfter(now)) {
			throw new InvalidTokenException("expired");
		}
		Date notBefore = claims.getNotBeforeTime();
		if (issued.toInstant().minus(this.clockSkew).isAfter(now)
				|| (notBefore != null && notBefore.toInstant().minus(this.clockSkew).isAfter(now))) {
			throw new InvalidTokenException("not valid yet");
		}
		if (Duration.between(issued.toInstant(), expires.toInstant()).compareTo(this.maxLifetime) > 0) {
			throw new InvalidTokenException("lifetime longer than " + this.maxLifetime);
		}
		// no scopes: a service signs its own tokens, so any scope in them is
		// self-asserted
		return new AuthPrincipal(issuer, issuer, Set.of(), issuer, expires.toInstant());
	}

}
