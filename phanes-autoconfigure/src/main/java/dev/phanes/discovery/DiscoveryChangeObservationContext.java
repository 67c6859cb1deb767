package dev.phanes.discovery;

import dev.phanes.observation.PhanesObservationContext;

/**
 * What an observation of one change of the discovery view knows: the change.
 */
public class DiscoveryChangeObservationContext extends PhanesObservationContext {

	private final DiscoveryChange change;

	/**
	 * Create a context.
	 * @param change the change of the view
	 */
	public DiscoveryChangeObservationContext(DiscoveryChange change) {
		this.change = change;
	}

	/**
	 * The change of the view.
	 * @return the change
	 */
	public DiscoveryChange getChange() {
		return this.change;
	}

}
