package dev.phanes.collector;

import io.opentelemetry.sdk.trace.export.SpanExporter;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code logs} and {@code traces} Actuator endpoints of the collectors, each created
 * only when available: enabled, and exposed by the user
 * ({@code management.endpoints.web.exposure.include}); neither is exposed by default.
 */
@AutoConfiguration(after = CollectorAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnPhanesCollectorEnabled
public final class CollectorEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(LogCollector.class)
	@ConditionalOnAvailableEndpoint
	LogsEndpoint logsEndpoint(LogCollector collector) {
		return new LogsEndpoint(collector);
	}

	/**
	 * The traces endpoint, apart so that an application without OpenTelemetry's SDK (the
	 * type of {@link TraceCollector}) never loads it.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SpanExporter.class)
	static class TracesEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(TraceCollector.class)
		@ConditionalOnAvailableEndpoint
		TracesEndpoint tracesEndpoint(TraceCollector collector) {
			return new TracesEndpoint(collector);
		}

	}

}
