package dev.phanes.collector;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The names, descriptions and low-cardinality tag keys of every Phanes observation, in
 * one place: each observation is a timer {@code <name>} and a long-task timer
 * {@code <name>.active} in Micrometer, and a span in tracing. A block adds its
 * observation here with one line; {@link PhanesMeterFilter} then gives its meters their
 * description (Prometheus' {@code HELP}), and docs/observability.md lists it.
 */
public final class PhanesObservations {

	/**
	 * A store operation.
	 */
	public static final String STORE = "phanes.store";

	/**
	 * A change of the discovery view.
	 */
	public static final String DISCOVERY_CHANGE = "phanes.discovery.change";

	/**
	 * A load-balancer choice of an instance.
	 */
	public static final String LOADBALANCER_CHOICE = "phanes.loadbalancer.choice";

	/**
	 * A configuration reload.
	 */
	public static final String CONFIG_RELOAD = "phanes.config.reload";

	/**
	 * An event published.
	 */
	public static final String EVENT_PUBLISH = "phanes.event.publish";

	/**
	 * An event delivered to a subscriber.
	 */
	public static final String EVENT_DELIVER = "phanes.event.deliver";

	/**
	 * Every Phanes observation.
	 */
	public static final List<Definition> ALL = List.of(
			new Definition(STORE, "Store operations", List.of("backend", "operation", "outcome")),
			new Definition(DISCOVERY_CHANGE, "Changes of the local discovery view", List.of("change")),
			new Definition(LOADBALANCER_CHOICE, "Load-balancer choices of an instance",
					List.of("service", "strategy", "attempt", "outcome")),
			new Definition(CONFIG_RELOAD, "Configuration reloads", List.of("source", "outcome")),
			new Definition(EVENT_PUBLISH, "Events published", List.of("transport", "topic", "outcome")), new Definition(
					EVENT_DELIVER, "Events delivered to a subscriber", List.of("transport", "topic", "outcome")));

	/**
	 * Tag keys whose values come from outside the application (services heard on the
	 * network, topics, configuration sources): their number of distinct values is capped
	 * on Phanes meters.
	 */
	public static final Set<String> EXTERNAL_TAGS = Set.of("service", "topic", "source");

	private static final Map<String, Definition> BY_NAME = ALL.stream()
		.collect(Collectors.toUnmodifiableMap(Definition::name, Function.identity()));

	private PhanesObservations() {
	}

	/**
	 * The observation a meter belongs to: its timer or its long-task timer.
	 * @param meterName the meter's name
	 * @return the observation, or {@code null} if the meter is not one of an observation
	 */
	public static @Nullable Definition forMeter(String meterName) {
		Definition definition = BY_NAME.get(meterName);
		if (definition == null && meterName.endsWith(".active")) {
			definition = BY_NAME.get(meterName.substring(0, meterName.length() - ".active".length()));
		}
		return definition;
	}

	/**
	 * One observation.
	 *
	 * @param name its name, and so the name of its timer
	 * @param description what it measures
	 * @param tags its low-cardinality tag keys, besides Micrometer's own {@code error}
	 */
	public record Definition(String name, String description, List<String> tags) {

	}

}
