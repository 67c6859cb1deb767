package dev.phanes.discovery;

/**
 * Told of each change of a discovery view, whatever engine feeds it.
 */
@FunctionalInterface
public interface DiscoveryListener {

	/**
	 * Called on the view's thread after the view changed.
	 * @param change the difference from the previous view
	 */
	void viewChanged(DiscoveryChange change);

}
