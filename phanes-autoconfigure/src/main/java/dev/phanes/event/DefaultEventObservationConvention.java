package dev.phanes.event;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * The default naming of event observations: {@code phanes.event.publish} and
 * {@code phanes.event.deliver}, with the low-cardinality tags {@code transport}
 * ({@code local}, {@code kafka}), {@code topic} and {@code outcome} ({@code success},
 * {@code error}); the payload type and the group go on spans only. One instance per
 * {@link EventObservationContext.Kind kind}. The names and key values are built once per
 * transport, topic, type and group and kept, since every publication asks for them.
 * Thread-safe.
 */
public class DefaultEventObservationConvention implements EventObservationConvention {

	/**
	 * Name of the publication observation ({@code phanes_event_publish_seconds} in
	 * Prometheus).
	 */
	public static final String PUBLISH = "phanes.event.publish";

	/**
	 * Name of the delivery observation ({@code phanes_event_deliver_seconds} in
	 * Prometheus).
	 */
	public static final String DELIVER = "phanes.event.deliver";

	private static final String[] OUTCOMES = Arrays.stream(EventObservationContext.Outcome.values())
		.map((outcome) -> outcome.name().toLowerCase(Locale.ROOT))
		.toArray(String[]::new);

	/**
	 * Most transports, topics and types whose names and key values are kept.
	 */
	private static final int MAX_KEPT = 256;

	private final EventObservationContext.Kind kind;

	private final Map<String, String> contextualNames = new ConcurrentHashMap<>();

	private final Map<String, Map<String, KeyValues[]>> lowCardinality = new ConcurrentHashMap<>();

	private final Map<String, Map<String, KeyValues>> highCardinality = new ConcurrentHashMap<>();

	/**
	 * Create the convention for one kind of observation.
	 * @param kind publication or delivery
	 */
	public DefaultEventObservationConvention(EventObservationContext.Kind kind) {
		this.kind = kind;
	}

	@Override
	public String getName() {
		return (this.kind == EventObservationContext.Kind.PUBLISH) ? PUBLISH : DELIVER;
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof EventObservationContext event && event.getKind() == this.kind;
	}

	@Override
	public String getContextualName(EventObservationContext context) {
		String name = this.contextualNames.get(context.getTopic());
		if (name == null) {
			name = ((context.getKind() == EventObservationContext.Kind.PUBLISH) ? "publish " : "deliver ")
					+ context.getTopic();
			if (this.contextualNames.size() < MAX_KEPT) {
				this.contextualNames.putIfAbsent(context.getTopic(), name);
			}
		}
		return name;
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(EventObservationContext context) {
		// Built once per transport, topic and outcome: every observation asks at its
		// start
		// and at its stop.
		Map<String, KeyValues[]> byTopic = kept(this.lowCardinality, context.getTransport());
		KeyValues[] byOutcome = (byTopic != null) ? byTopic.get(context.getTopic()) : null;
		if (byOutcome == null) {
			byOutcome = Arrays.stream(OUTCOMES)
				.map((outcome) -> KeyValues.of(EventObservation.LowCardinalityKeys.TRANSPORT.asString(),
						context.getTransport(), EventObservation.LowCardinalityKeys.TOPIC.asString(),
						context.getTopic(), EventObservation.LowCardinalityKeys.OUTCOME.asString(), outcome))
				.toArray(KeyValues[]::new);
			if (byTopic != null && byTopic.size() < MAX_KEPT) {
				byTopic.putIfAbsent(context.getTopic(), byOutcome);
			}
		}
		return byOutcome[context.getOutcome().ordinal()];
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(EventObservationContext context) {
		String group = context.getGroup();
		Map<String, KeyValues> byGroup = kept(this.highCardinality, context.getType());
		KeyValues keyValues = (byGroup != null) ? byGroup.get((group != null) ? group : "") : null;
		if (keyValues == null) {
			keyValues = KeyValues.of(EventObservation.HighCardinalityKeys.TYPE.asString(), context.getType());
			if (group != null) {
				keyValues = keyValues.and(EventObservation.HighCardinalityKeys.GROUP.asString(), group);
			}
			if (byGroup != null && byGroup.size() < MAX_KEPT) {
				byGroup.putIfAbsent((group != null) ? group : "", keyValues);
			}
		}
		return keyValues;
	}

	private static <V> @Nullable Map<String, V> kept(Map<String, Map<String, V>> maps, String key) {
		Map<String, V> map = maps.get(key);
		if (map == null && maps.size() < MAX_KEPT) {
			map = maps.computeIfAbsent(key, (name) -> new ConcurrentHashMap<>());
		}
		return map;
	}

}
