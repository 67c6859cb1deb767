package dev.phanes.config;

import java.util.Set;

import dev.phanes.observation.PhanesObservationContext;

/**
 * What an observation of one reload knows: what triggered it, how it ended and which keys
 * it changed. It starts when the first change of a burst is seen, so its duration is the
 * latency from the change to the rebound beans.
 */
public class ConfigReloadObservationContext extends PhanesObservationContext {

	private final ConfigReloadSource source;

	private Outcome outcome = Outcome.SUCCESS;

	private Set<String> changedKeys = Set.of();

	/**
	 * Create a context.
	 * @param source what triggered the reload
	 */
	public ConfigReloadObservationContext(ConfigReloadSource source) {
		this.source = source;
	}

	/**
	 * What triggered the reload.
	 * @return the source
	 */
	public ConfigReloadSource getSource() {
		return this.source;
	}

	/**
	 * How the reload ended.
	 * @return the outcome
	 */
	public Outcome getOutcome() {
		return this.outcome;
	}

	/**
	 * Record how the reload ended.
	 * @param outcome the outcome
	 */
	public void setOutcome(Outcome outcome) {
		this.outcome = outcome;
	}

	/**
	 * The keys whose values the reload changed (empty unless it succeeded).
	 * @return the keys
	 */
	public Set<String> getChangedKeys() {
		return this.changedKeys;
	}

	/**
	 * Record the keys the reload changed.
	 * @param changedKeys the keys
	 */
	public void setChangedKeys(Set<String> changedKeys) {
		this.changedKeys = Set.copyOf(changedKeys);
	}

	/**
	 * How a reload ended.
	 */
	public enum Outcome {

		/**
		 * The new values are bound (or nothing changed).
		 */
		SUCCESS,

		/**
		 * The new values failed binding or validation; the last good values stay.
		 */
		REJECTED,

		/**
		 * The reload itself failed; the last good values stay.
		 */
		ERROR

	}

}
