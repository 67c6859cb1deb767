package dev.phanes.auth;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code auth} Actuator endpoint: this service's identity and keys, the rules in
 * force, the last refused rule set, and a dry run — given a {@code method} and a
 * {@code path} (and optionally the {@code caller} service and its {@code scopes}, comma
 * separated), the decision the rules would make and the rule that made it. The dry run
 * changes nothing and is not counted. Like every endpoint it is itself subject to the
 * rules.
 */
@Endpoint(id = "auth")
public class AuthEndpoint {

	private final String service;

	private final RuleSource rules;

	private final @Nullable EmbeddedKeys keys;

	AuthEndpoint(String service, RuleSource rules, @Nullable EmbeddedKeys keys) {
		this.service = service;
		this.rules = rules;
		this.keys = keys;
	}

	/**
	 * Describe the block, with a dry run when a method and path are given.
	 * @param caller the calling service of the dry run, none for an end user or anonymous
	 * @param method the HTTP method of the dry run
	 * @param path the path of the dry run
	 * @param scopes the scopes of the dry run's caller, comma separated
	 * @return the description
	 */
	@ReadOperation
	public AuthDescriptor auth(@Nullable String caller, @Nullable String method, @Nullable String path,
			@Nullable String scopes) {
		RuleSet set = this.rules.rules();
		DryRun dryRun = null;
		if (method != null && path != null) {
			Set<String> scopeSet = new LinkedHashSet<>();
			if (scopes != null) {
				Arrays.stream(scopes.split(",")).map(String::trim).filter((s) -> !s.isEmpty()).forEach(scopeSet::add);
			}
			boolean authenticated = caller != null || !scopeSet.isEmpty();
			Decision decision = set
				.decide(new AuthRequest(this.service, method, path, caller, scopeSet, authenticated));
			dryRun = new DryRun(caller, method, path, List.copyOf(scopeSet), decision);
		}
		RuleSource.Rejection rejection = this.rules.lastRejection();
		return new AuthDescriptor(this.service, (this.keys != null) ? this.keys.signingKeyIds() : List.of(),
				(this.keys != null) ? this.keys.trusted().keyIds() : Map.of(), set.rules(), this.rules.loadedAt(),
				rejection, dryRun);
	}

	/**
	 * What the endpoint shows.
	 *
	 * @param service this service's name
	 * @param signingKeys the ids of this service's keys, oldest first
	 * @param trustedKeys the ids of the keys trusted for the services seen so far
	 * @param rules the rules in force, in the order they are evaluated
	 * @param rulesLoadedAt when they were loaded
	 * @param lastRejection the last refused rule set, while none valid came after it
	 * @param dryRun the dry run, if one was asked for
	 */
	public record AuthDescriptor(String service, List<String> signingKeys, Map<String, List<String>> trustedKeys,
			List<AuthRule> rules, Instant rulesLoadedAt, RuleSource.@Nullable Rejection lastRejection,
			@Nullable DryRun dryRun) {
	}

	/**
	 * A dry run and its decision.
	 *
	 * @param caller the calling service
	 * @param method the method
	 * @param path the path
	 * @param scopes the caller's scopes
	 * @param decision what the rules decide
	 */
	public record DryRun(@Nullable String caller, String method, String path, List<String> scopes, Decision decision) {
	}

}
