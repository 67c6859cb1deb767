package dev.phanes.collector;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.observation.MeterObservationHandler;

import dev.phanes.observation.PhanesMeterObservationHandler;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration of the {@link PhanesMeterObservationHandler}: ordered ahead of
 * Boot's {@link DefaultMeterObservationHandler}, Boot registers both in its group of
 * meter handlers, where the first that supports a context records it, so Phanes
 * observations reach this handler and every other observation Boot's. It follows
 * {@code management.metrics.observations.ignored-meters} as Boot's handler does.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnPhanesCollectorEnabled
@ConditionalOnClass({ MeterObservationHandler.class, MetricsProperties.class })
@ConditionalOnBean({ MeterRegistry.class, MetricsProperties.class })
public final class PhanesMeterObservationAutoConfiguration {

	@Bean
	@Order(0)
	@ConditionalOnMissingBean
	PhanesMeterObservationHandler phanesMeterObservationHandler(MeterRegistry meterRegistry,
			MetricsProperties properties) {
		boolean longTaskTimer = !properties.getObservations()
			.getIgnoredMeters()
			.contains(DefaultMeterObservationHandler.IgnoredMeters.LONG_TASK_TIMER);
		return new PhanesMeterObservationHandler(meterRegistry, longTaskTimer,
				PhanesMeterObservationHandler.DEFAULT_MAX_TAG_SETS);
	}

}
