package dev.phanes.auth;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@link RuleSet#decide(AuthRequest)}: whether the request may go on, and
 * which rule said so.
 *
 * @param allowed whether the request is allowed
 * @param ruleId the id of the rule that decided, or {@code null} when none matched and
 * the request was denied by default
 * @param reason a short sentence saying why, safe to log
 */
public record Decision(boolean allowed, @Nullable String ruleId, String reason) {

	private static final Decision DENIED_BY_DEFAULT = new Decision(false, null, "no rule matched: denied by default");

	/**
	 * Create a decision.
	 * @param allowed whether the request is allowed
	 * @param ruleId the id of the deciding rule, or {@code null}
	 * @param reason why
	 */
	public Decision {
		Objects.requireNonNull(reason, "reason must not be null");
	}

	static Decision of(Access access, String ruleId) {
		return (access == Access.GRANT) ? new Decision(true, ruleId, "granted by rule '" + ruleId + "'")
				: new Decision(false, ruleId, "denied by rule '" + ruleId + "'");
	}

	static Decision deniedByDefault() {
		return DENIED_BY_DEFAULT;
	}

}
