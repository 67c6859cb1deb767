package dev.phanes.auth;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the Auth block: UP while rules are in force (the last valid set is served
 * even after a refused one, so the status stays UP), with how many, since when, and the
 * last refused set while no valid one came after it.
 */
public class AuthHealthIndicator extends AbstractHealthIndicator {

	private final RuleSource rules;

	/**
	 * Create the indicator.
	 * @param rules the rules
	 */
	public AuthHealthIndicator(RuleSource rules) {
		super("Auth health check failed");
		this.rules = rules;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.up().withDetail("rules", this.rules.rules().size()).withDetail("rulesLoadedAt", this.rules.loadedAt());
		RuleSource.Rejection rejection = this.rules.lastRejection();
		if (rejection != null) {
			builder.withDetail("lastRejectedRules", rejection);
		}
	}

}
