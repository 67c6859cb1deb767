package dev.phanes.config;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports the state of configuration reloads: how many ran and, while the current sources
 * hold a change that was rejected, what was rejected and why. A reload applies every
 * source or nothing, so one invalid value holds back every later change until it is
 * fixed; the details say so. The status stays UP, since the last good values are served:
 * watch the details (or the {@code rejected} outcome of {@code phanes.config.reload}) to
 * be told.
 */
public class ConfigReloadHealthIndicator extends AbstractHealthIndicator {

	static final String HELD_BACK = "Every later configuration change is held back until these problems are fixed: "
			+ "a reload applies all sources or none, so the running values always match one state of them";

	private final ConfigReloader reloader;

	/**
	 * Create an indicator.
	 * @param reloader the reloader to report on
	 */
	public ConfigReloadHealthIndicator(ConfigReloader reloader) {
		super("configuration reload health check failed");
		this.reloader = reloader;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.up().withDetail("reloads", this.reloader.reloadCount());
		ConfigReloader.Rejection rejection = this.reloader.lastRejection();
		if (rejection != null) {
			Map<String, Object> rejected = new LinkedHashMap<>();
			rejected.put("time", rejection.time().toString());
			rejected.put("source", rejection.source().name().toLowerCase(java.util.Locale.ROOT));
			rejected.put("problems", rejection.problems());
			rejected.put("effect", HELD_BACK);
			builder.withDetail("lastRejectedChange", rejected);
		}
	}

}
