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

	@Test
	void anEdgeDecidesARequestForAServiceAsThatServiceWould() {
		MockEnvironment environment = new MockEnvironment().withProperty("phanes.auth.rules[0].id", "public-notes")
			.withProperty("phanes.auth.rules[0].service", "notes")
			.withProperty("phanes.auth.rules[0].path", "/public/**")
			.withProperty("phanes.auth.rules[0].scope", "public")
			.withProperty("phanes.auth.rules[0].access", "grant");
		RuleSource rules = new RuleSource(environment, AuthObserver.NONE, Clock.systemUTC());
		AuthTargets targets = (rawPath) -> rawPath.startsWith("/notes/")
				? new AuthTargets.Target("notes", rawPath.substring("/notes".length())) : null;
		Authorizer edge = new Authorizer((token) -> {
			throw new InvalidTokenException("no tokens here");
		}, rules, "gateway", AuthObserver.NONE, targets);
		Authorizer.Outcome allowed = edge.authorize("GET", "/notes/public/1", List.of());
		assertThat(allowed.status()).isEqualTo(200);
		assertThat(allowed.decision().ruleId()).isEqualTo("public-notes");
		assertThat(edge.authorize("GET", "/notes/private/1", List.of()).status()).isEqualTo(401);
		// the gateway's own paths are decided as the gateway's: no rule grants them
		assertThat(edge.authorize("GET", "/public/1", List.of()).status()).isEqualTo(401);
		// a path that reads two ways is refused before any target is looked for
		assertThat(edge.authorize("GET", "/notes/public/..%2Fprivate", List.of()).status()).isEqualTo(400);
	}

}
