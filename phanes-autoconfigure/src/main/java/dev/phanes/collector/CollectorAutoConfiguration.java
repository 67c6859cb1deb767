package dev.phanes.collector;

import ch.qos.logback.classic.LoggerContext;
import io.micrometer.core.instrument.config.MeterFilter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.slf4j.LoggerFactory;

import dev.phanes.observation.DocumentedObservations;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Auto-configuration of the Phanes collectors: a {@link LogCollector} fed by a Logback
 * appender, a {@link TraceCollector} that OpenTelemetry tracing exports finished spans
 * to, and the {@link PhanesMeterFilter}; {@link CollectorEndpointAutoConfiguration} adds
 * their endpoints. Turned off by {@code phanes.collector.enabled=false}.
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
		beforeName = "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration")
@ConditionalOnPhanesCollectorEnabled
@EnableConfigurationProperties(CollectorProperties.class)
public final class CollectorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ LoggerContext.class, LoggerFactory.class })
	@Conditional(LogbackInUseCondition.class)
	@ConditionalOnProperty(name = "phanes.collector.logs.enabled", matchIfMissing = true)
	static class LogCollectorConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LogCollector logCollector(CollectorProperties properties) {
			CollectorProperties.Logs logs = properties.getLogs();
			return new LogCollector(logs.getMaxEvents(), logs.getMaxSize().toBytes());
		}

		@Bean(destroyMethod = "close")
		LogbackLogCollectorInstaller logbackLogCollectorInstaller(LogCollector collector) {
			LogbackLogCollectorInstaller installer = new LogbackLogCollectorInstaller(
					(LoggerContext) LoggerFactory.getILoggerFactory(), collector);
			installer.install();
			return installer;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SpanExporter.class)
	@ConditionalOnProperty(name = "phanes.collector.traces.enabled", matchIfMissing = true)
	static class TraceCollectorConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TraceCollector traceCollector(CollectorProperties properties) {
			CollectorProperties.Traces traces = properties.getTraces();
			return new TraceCollector(traces.getMaxSpans(), traces.getMaxSize().toBytes());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterFilter.class)
	static class MeterFilterConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PhanesMeterFilter phanesMeterFilter(CollectorProperties properties,
				ObjectProvider<DocumentedObservations> documented) {
			return new PhanesMeterFilter(properties.getMetrics().getMaxTagValues(),
					documented.orderedStream().flatMap((block) -> block.observations().stream()).toList());
		}

	}

	/**
	 * Matches when SLF4J logs through Logback.
	 */
	static class LogbackInUseCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return (LoggerFactory.getILoggerFactory() instanceof LoggerContext)
					? ConditionOutcome.match("SLF4J logs through Logback") : ConditionOutcome
						.noMatch("SLF4J does not log through Logback; the log collector supports " + "Logback only");
		}

	}

}
