package dev.phanes.auth;

import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The statuses the authorizer answers with, whatever the verifier does.
 */
class AuthorizerTests {

	private final RuleSource rules = new RuleSource(new MockEnvironment(), AuthObserver.NONE, Clock.systemUTC());

	@Test
	void aVerifierFailingUnexpectedlyIsA401NeverA500() {
		Authorizer authorizer = new Authorizer((token) -> {
			throw new IllegalStateException("boom " + token);
		}, this.rules, "notes", AuthObserver.NONE);
		Authorizer.Outcome outcome = authorizer.authorize("GET", "/notes/1", List.of("Bearer secret-token"));
		assertThat(outcome.status()).isEqualTo(401);
		assertThat(outcome.detail()).isEqualTo("Authentication failed: invalid token.").doesNotContain("secret-token");
	}

	@Test
	void anythingButOneBearerTokenIsA401() {
		Authorizer authorizer = new Authorizer((token) -> {
			throw new InvalidTokenException("bad signature");
		}, this.rules, "notes", AuthObserver.NONE);
		assertThat(authorizer.authorize("GET", "/a", List.of("Basic dXNlcjpwYXNz")).status()).isEqualTo(401);
		assertThat(authorizer.authorize("GET", "/a", List.of("Bearer a", "Bearer b")).status()).isEqualTo(401);
		assertThat(authorizer.authorize("GET", "/a", List.of()).status()).isEqualTo(401);
		assertThat(authorizer.authorize("GET", "/a/../b", List.of()).status()).isEqualTo(400);
	}

}
