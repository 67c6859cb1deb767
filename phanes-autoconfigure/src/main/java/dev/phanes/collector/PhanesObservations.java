package dev.phanes.collector;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names and low-cardinality tag keys of every Phanes observation, in one place: each
 * observation is a timer (and a long-task timer {@code <name>.active}) in Micrometer and
 * a span in tracing. A block adds its observation here with one line, and
 * {@link PhanesMeterFilter} and the documentation follow.
 */
public final class PhanesObservations {

	/**
	 * A store operation; tags {@code backend}, {@code operation}, {@code outcome}.
	 */
	public static final String STORE = "phanes.store";

	/**
	 * A change of the discovery view; tag {@code change}.
	 */
	public static final String DISCOVERY_CHANGE = "phanes.discovery.change";

	/**
	 * A load-balancer choice of an instance; tags {@code service}, {@code strategy},
	 * {@code attempt}, {@code outcome}.
	 */
	public static final String LOADBALANCER_CHOICE = "phanes.loadbalancer.choice";

	/**
	 * A configuration reload; tags {@code source}, {@code outcome}.
	 */
	public static final String CONFIG_RELOAD = "phanes.config.reload";

	/**
	 * An event published; tags {@code transport}, {@code topic}, {@code outcome}.
	 */
	public static final String EVENT_PUBLISH = "phanes.event.publish";

	/**
	 * An event delivered to a subscriber; tags {@code transport}, {@code topic},
	 * {@code outcome}.
	 */
	public static final String EVENT_DELIVER = "phanes.event.deliver";

	/**
	 * Each observation's low-cardinality tag keys, besides Micrometer's own
	 * {@code error}.
	 */
	public static final Map<String, List<String>> TAGS = Map.of(STORE, List.of("backend", "operation", "outcome"),
			DISCOVERY_CHANGE, List.of("change"), LOADBALANCER_CHOICE,
			List.of("service", "strategy", "attempt", "outcome"), CONFIG_RELOAD, List.of("source", "outcome"),
			EVENT_PUBLISH, List.of("transport", "topic", "outcome"), EVENT_DELIVER,
			List.of("transport", "topic", "outcome"));

	/**
	 * Tag keys whose values come from outside the application (services heard on the
	 * network, topics, configuration sources): their number of distinct values is capped
	 * on Phanes meters.
	 */
	public static final Set<String> EXTERNAL_TAGS = Set.of("service", "topic", "source");

	private PhanesObservations() {
	}

}
