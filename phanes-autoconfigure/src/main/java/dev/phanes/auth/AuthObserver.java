package dev.phanes.auth;

import org.jspecify.annotations.Nullable;

/**
 * Told what the Auth block decides, for metrics.
 */
public interface AuthObserver {

	/**
	 * Observes nothing.
	 */
	AuthObserver NONE = new AuthObserver() {
	};

	/**
	 * A request was decided.
	 * @param outcome {@code allowed}, {@code denied} (403), {@code unauthenticated} (401)
	 * or {@code rejected-path} (400)
	 * @param ruleId the rule that decided, or {@code null} for none
	 */
	default void decided(String outcome, @Nullable String ruleId) {
	}

	/**
	 * A rule set was rejected and the previous one kept.
	 */
	default void rulesRejected() {
	}

}
