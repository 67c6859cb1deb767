package dev.phanes.event;

import java.util.List;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * The observation registry, the application's conventions and the counters an event bus
 * reports to.
 *
 * @param registry the observation registry
 * @param conventions the application's conventions; the first that supports an
 * observation's context replaces the default for it
 * @param metrics the counters
 */
public record EventObservability(ObservationRegistry registry, List<EventObservationConvention> conventions,
		EventMetrics metrics) {

	/**
	 * Nothing observed, nothing counted.
	 */
	public static final EventObservability NONE = new EventObservability(ObservationRegistry.NOOP, List.of(),
			EventMetrics.NONE);

	/**
	 * Create an observability, copying the conventions.
	 */
	public EventObservability {
		conventions = List.copyOf(conventions);
	}

	Observation observation(EventObservationConvention defaultConvention, EventObservationContext context) {
		EventObservationConvention custom = null;
		for (EventObservationConvention convention : this.conventions) {
			if (convention.supportsContext(context)) {
				custom = convention;
				break;
			}
		}
		return Observation.createNotStarted(custom, defaultConvention, () -> context, this.registry);
	}

}
