package dev.phanes.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Verified tokens are remembered by their whole text, until they expire or for the
 * configured age, and refused tokens never are.
 */
class VerifiedTokensTests {

	private final ServiceTokensTests.MutableClock clock = new ServiceTokensTests.MutableClock(
			Instant.parse("2026-12-03T10:00:00Z"));

	private final AtomicInteger verifications = new AtomicInteger();

	private final IncomingTokens verifier = (token) -> {
		this.verifications.incrementAndGet();
		if (!token.startsWith("good")) {
			throw new InvalidTokenException("bad signature");
		}
		return new AuthPrincipal("orders", "orders", Set.of(), "orders",
				this.clock.instant().plus(Duration.ofMinutes(5)));
	};

	private final VerifiedTokens remembered = new VerifiedTokens(this.verifier, Duration.ofSeconds(10),
			Duration.ofSeconds(30), 3, this.clock);

	@Test
	void aTokenIsVerifiedOnceForTheMaxAge() {
		for (int i = 0; i < 5; i++) {
			assertThat(this.remembered.verify("good-1").service()).isEqualTo("orders");
		}
		assertThat(this.verifications).hasValue(1);
		this.clock.advance(Duration.ofSeconds(11));
		this.remembered.verify("good-1");
		assertThat(this.verifications).hasValue(2);
	}

	@Test
	void aTokenDifferingInOneCharacterIsVerifiedAfresh() {
		this.remembered.verify("good-1");
		assertThatExceptionOfType(InvalidTokenException.class).isThrownBy(() -> this.remembered.verify("bad-1"));
		assertThatExceptionOfType(InvalidTokenException.class).isThrownBy(() -> this.remembered.verify("bad-1"));
		assertThat(this.verifications).hasValue(3);
	}

	@Test
	void anExpiredTokenIsNotRememberedPastItsExpiry() {
		VerifiedTokens longLived = new VerifiedTokens(this.verifier, Duration.ofHours(1), Duration.ofSeconds(30), 3,
				this.clock);
		longLived.verify("good-1");
		this.clock.advance(Duration.ofMinutes(5).plusSeconds(31));
		longLived.verify("good-1");
		assertThat(this.verifications).hasValue(2);
	}

	@Test
	void theMemoryIsBounded() {
		for (int i = 0; i < 10; i++) {
			this.remembered.verify("good-" + i);
		}
		this.remembered.verify("good-9");
		assertThat(this.verifications).hasValue(10);
		this.remembered.verify("good-0");
		assertThat(this.verifications).hasValue(11);
	}

}
