package dev.phanes.event;

import java.util.Locale;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;

/**
 * The default naming of event observations: {@code phanes.event.publish} and
 * {@code phanes.event.deliver}, with the low-cardinality tags {@code transport}
 * ({@code local}, {@code kafka}), {@code topic} and {@code outcome} ({@code success},
 * {@code error}); the payload type and the group go on spans only. One instance per
 * {@link EventObservationContext.Kind kind}.
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

	private final EventObservationContext.Kind kind;

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
		return ((context.getKind() == EventObservationContext.Kind.PUBLISH) ? "publish " : "deliver ")
				+ context.getTopic();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(EventObservationContext context) {
		return KeyValues.of(EventObservation.LowCardinalityKeys.TRANSPORT.asString(), context.getTransport(),
				EventObservation.LowCardinalityKeys.TOPIC.asString(), context.getTopic(),
				EventObservation.LowCardinalityKeys.OUTCOME.asString(),
				context.getOutcome().name().toLowerCase(Locale.ROOT));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(EventObservationContext context) {
		KeyValues values = KeyValues.of(EventObservation.HighCardinalityKeys.TYPE.asString(), context.getType());
		String group = context.getGroup();
		return (group != null) ? values.and(EventObservation.HighCardinalityKeys.GROUP.asString(), group) : values;
	}

}
