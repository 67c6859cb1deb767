package dev.phanes.gateway;

import java.util.List;

import dev.phanes.auth.AuthTargets;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's answer to which service a request is for, so that Phanes' auth block
 * decides {@code /notes/public/1} with the rules of service {@code notes} and path
 * {@code /public/1}, as {@code notes} itself would: every path the service route serves,
 * that is every path but the gateway's own (its Actuator endpoints and the dashboard),
 * which are decided as the gateway's.
 */
class ServiceAuthTargets implements AuthTargets {

	private final List<String> ownPrefixes;

	/**
	 * Create the targets.
	 * @param ownPrefixes the path prefixes the gateway serves itself, such as
	 * {@code /actuator}
	 */
	ServiceAuthTargets(List<String> ownPrefixes) {
		this.ownPrefixes = ownPrefixes.stream()
			.map((prefix) -> prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix)
			.filter((prefix) -> !prefix.isEmpty())
			.toList();
	}

	@Override
	public @Nullable Target target(String rawPath) {
		for (String prefix : this.ownPrefixes) {
			if (rawPath.equals(prefix) || rawPath.startsWith(prefix + "/")) {
				return null;
			}
		}
		try {
			ServicePath path = ServicePath.parse(rawPath);
			return new Target(path.service(), path.path());
		}
		catch (ServiceRoutingException ex) {
			// not a service path: the route refuses it with a 400 after the rules ran as
			// the gateway's
			return null;
		}
	}

}
