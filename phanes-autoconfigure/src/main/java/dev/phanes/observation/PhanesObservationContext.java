package dev.phanes.observation;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * Base of the context of every Phanes observation
 * ({@link PhanesObservationDocumentation}): marks it for the
 * {@link PhanesMeterObservationHandler}, which keeps the start of the timing on the
 * context itself rather than in the context's map. A block's context extends it and stays
 * an ordinary {@link Observation.Context} for every other handler.
 */
public abstract class PhanesObservationContext extends Observation.Context {

	long meterStart;

	@Nullable Object meterActive;

}
