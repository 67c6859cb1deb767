package dev.phanes.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Meters of the Auth block: {@code phanes.auth.requests} (requests decided, tagged
 * {@code outcome} allowed, denied, unauthenticated or rejected-path, and {@code rule},
 * the id of the rule that decided or {@code none}) and {@code phanes.auth.rules.rejected}
 * (rule sets refused, the previous one kept). Rule ids are configuration, so bounded.
 */
public class AuthMeters implements AuthObserver {

	private final MeterRegistry registry;

	/**
	 * Create the meters.
	 * @param registry where to register them
	 */
	public AuthMeters(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void decided(String outcome, @Nullable String ruleId) {
		Counter.builder("phanes.auth.requests")
			.description("Requests decided by the Auth block")
			.tag("outcome", outcome)
			.tag("rule", (ruleId != null) ? ruleId : "none")
			.register(this.registry)
			.increment();
	}

	@Override
	public void rulesRejected() {
		Counter.builder("phanes.auth.rules.rejected")
			.description("Rule sets refused; the previous one stayed in force")
			.register(this.registry)
			.increment();
	}

}
