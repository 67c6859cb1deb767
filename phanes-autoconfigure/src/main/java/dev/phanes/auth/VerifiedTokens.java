package dev.phanes.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Remembers tokens already verified, so that a caller's cached token costs a signature
 * check once, not on every call (ES256 verification takes most of a millisecond on the
 * JDK). Only tokens that passed are remembered, under their whole text, so a token that
 * differs in one character is verified afresh; each is remembered until it expires (with
 * the clock skew) or for {@code maxAge}, whichever comes first, so that a key that stops
 * being trusted stops vouching for remembered tokens within {@code maxAge}. At most
 * {@code capacity} tokens are remembered; beyond that the memory is cleared. Thread-safe.
 */
final class VerifiedTokens implements IncomingTokens {

	private final IncomingTokens verifier;

	private final Duration maxAge;

	private final Duration clockSkew;

	private final int capacity;

	private final Clock clock;

	private final ConcurrentMap<String, Remembered> remembered = new ConcurrentHashMap<>();

	VerifiedTokens(IncomingTokens verifier, Duration maxAge, Duration clockSkew, int capacity, Clock clock) {
		this.verifier = verifier;
		this.maxAge = maxAge;
		this.clockSkew = clockSkew;
		this.capacity = capacity;
		this.clock = clock;
	}

	@Override
	public AuthPrincipal verify(String token) {
		Instant now = this.clock.instant();
		Remembered known = this.remembered.get(token);
		if (known != null) {
			if (known.until.isAfter(now)) {
				return known.principal;
			}
			this.remembered.remove(token, known);
		}
		AuthPrincipal principal = this.verifier.verify(token);
		Instant expires = principal.expiresAt().plus(this.clockSkew);
		Instant until = now.plus(this.maxAge);
		if (this.remembered.size() >= this.capacity) {
			this.remembered.clear();
		}
		this.remembered.put(token, new Remembered(principal, expires.isBefore(until) ? expires : until));
		return principal;
	}

	private record Remembered(AuthPrincipal principal, Instant until) {
	}

}
