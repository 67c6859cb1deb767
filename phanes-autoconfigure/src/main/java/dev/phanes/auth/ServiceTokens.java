package dev.phanes.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * The tokens this service proves its identity with: ES256 JWTs issued by itself
 * ({@code iss} and {@code sub} its name) for one called service ({@code aud}), valid for
 * {@code ttl}. They carry no scopes: a service could claim any, so in this model the
 * rules decide services by name ({@code caller}). One token per called service is cached
 * and replaced {@code renewBefore} its expiry, or as soon as the signing key changes.
 * Thread-safe.
 */
final class ServiceTokens implements OutgoingTokens {

	private final ServiceKeys keys;

	private final String service;

	private final Duration ttl;

	private final Duration renewBefore;

	private final Clock clock;

	private final ConcurrentMap<String, Cached> byAudience = new ConcurrentHashMap<>();

	ServiceTokens(ServiceKeys keys, String service, Duration ttl, Duration renewBefore, Clock clock) {
		this.keys = keys;
		this.service = service;
		this.ttl = ttl;
		this.renewBefore = renewBefore;
		this.clock = clock;
	}

	@Override
	public String tokenFor(String audience) {
		ECKey key = this.keys.signingKey();
		Instant now = this.clock.instant();
		Cached cached = this.byAudience.get(audience);
		if (cached != null && cached.keyId.equals(key.getKeyID()) && cached.renewAt.isAfter(now)) {
			return cached.token;
		}
		Cached fresh = new Cached(sign(key, audience, now), key.getKeyID(), now.plus(this.ttl).minus(this.renewBefore));
		this.byAudience.put(audience, fresh);
		return fresh.token;
	}

	private String sign(ECKey key, String audience, Instant now) {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(this.service)
			.subject(this.service)
			.audience(audience)
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plus(this.ttl)))
			.jwtID(UUID.randomUUID().toString());
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
				claims.build());
		try {
			jwt.sign(new ECDSASigner(key));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot sign a token with key " + key.getKeyID() + ": " + ex.getMessage(),
					ex);
		}
		return jwt.serialize();
	}

	private record Cached(String token, String keyId, Instant renewAt) {
	}

}
