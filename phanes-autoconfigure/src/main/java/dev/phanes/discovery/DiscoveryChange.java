package dev.phanes.discovery;

import java.util.List;

/**
 * A change of a discovery view.
 *
 * @param version the number of the new view
 * @param added instances that appeared
 * @param updated instances whose address, port or metadata changed (new values)
 * @param removed instances that left, by goodbye, deregistration or expiry
 */
public record DiscoveryChange(long version, List<DiscoveredInstance> added, List<DiscoveredInstance> updated,
		List<DiscoveredInstance> removed) {

}
