package dev.phanes.collector;

import ch.qos.logback.classic.LoggerContext;
import dev.phanes.loadbalancer.LoadBalancerObservation;
import dev.phanes.observation.DocumentedObservations;
import dev.phanes.store.StoreObservation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanExporters;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CollectorAutoConfiguration} and
 * {@link CollectorEndpointAutoConfiguration}.
 */
class CollectorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CollectorAutoConfiguration.class));

	@Test
	void failsOnAnInvalidValueNamingThePropertyAndWhatItMustBe() {
		this.contextRunner.withPropertyValues("phanes.collector.traces.max-spans=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("phanes.collector")
				.hasStackTraceContaining("'traces.maxSpans'")
				.hasStackTraceContaining("must be at least 1"));
	}

	@Test
	void createsTheCollectorsAndTheMeterFilterByDefault() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(LogCollector.class)
			.hasSingleBean(LogbackLogCollectorInstaller.class)
			.hasSingleBean(TraceCollector.class)
			.hasSingleBean(PhanesMeterFilter.class));
	}

	@Test
	void createsNothingWhenDisabled() {
		this.contextRunner.withPropertyValues("phanes.collector.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LogCollector.class)
				.doesNotHaveBean(TraceCollector.class)
				.doesNotHaveBean(PhanesMeterFilter.class));
	}

	@Test
	void leavesOutTheLogCollectorWhenItIsDisabled() {
		this.contextRunner.withPropertyValues("phanes.collector.logs.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LogCollector.class)
				.doesNotHaveBean(LogbackLogCollectorInstaller.class)
				.hasSingleBean(TraceCollector.class));
	}

	@Test
	void leavesOutTheTraceCollectorWhenItIsDisabled() {
		this.contextRunner.withPropertyValues("phanes.collector.traces.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TraceCollector.class)
				.hasSingleBean(LogCollector.class));
	}

	@Test
	void leavesOutTheTraceCollectorWithoutOpenTelemetry() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(SpanExporter.class))
			.run((context) -> assertThat(context).doesNotHaveBean(TraceCollector.class)
				.hasSingleBean(LogCollector.class));
	}

	@Test
	void leavesOutTheLogCollectorWithoutLogback() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(LoggerContext.class))
			.run((context) -> assertThat(context).doesNotHaveBean(LogCollector.class)
				.hasSingleBean(TraceCollector.class));
	}

	@Test
	void bindsTheBoundsOfTheBuffers() {
		this.contextRunner
			.withPropertyValues("phanes.collector.logs.max-events=2", "phanes.collector.logs.max-size=10KB",
					"phanes.collector.traces.max-spans=3", "phanes.collector.traces.max-size=1MB")
			.run((context) -> {
				LogCollector logs = context.getBean(LogCollector.class);
				for (int i = 0; i < 5; i++) {
					logs.append(LogCollectorTests.entry(java.time.Instant.EPOCH, "INFO", "app", "event " + i, null));
				}
				assertThat(logs.size()).isEqualTo(2);
				CollectorProperties properties = context.getBean(CollectorProperties.class);
				assertThat(properties.getLogs().getMaxSize().toKilobytes()).isEqualTo(10);
				assertThat(properties.getTraces().getMaxSpans()).isEqualTo(3);
			});
	}

	@Test
	void failsOnABufferWithoutRoom() {
		this.contextRunner.withPropertyValues("phanes.collector.logs.max-events=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("phanes.collector")
				.hasStackTraceContaining("'logs.maxEvents'")
				.hasStackTraceContaining("rejected value [0]"));
	}

	@Test
	void collectsTheApplicationsLogsOnceStarted() {
		this.contextRunner.run((context) -> {
			LoggerFactory.getLogger("dev.phanes.collector.test").warn("collected by the auto-configured collector");
			assertThat(context.getBean(LogCollector.class).entries(LogFilter.ALL)).extracting(LogEntry::message)
				.contains("collected by the auto-configured collector");
		});
	}

	@Test
	void detachesTheAppenderWhenTheContextCloses() {
		LogCollector[] collector = new LogCollector[1];
		this.contextRunner.run((context) -> collector[0] = context.getBean(LogCollector.class));
		LoggerFactory.getLogger("dev.phanes.collector.test").warn("after the context closed");
		assertThat(collector[0].entries(LogFilter.ALL)).extracting(LogEntry::message)
			.doesNotContain("after the context closed");
	}

	@Test
	void backsOffWhenTheUserDefinesCollectors() {
		this.contextRunner.withUserConfiguration(UserCollectors.class)
			.run((context) -> assertThat(context.getBean(LogCollector.class))
				.isSameAs(context.getBean(UserCollectors.class).logs)
				.isNotNull()
				.satisfies((logs) -> assertThat(context.getBean(TraceCollector.class))
					.isSameAs(context.getBean(UserCollectors.class).traces)));
	}

	@Test
	void tracingExportsSpansToTheTraceCollector() {
		this.contextRunner
			.withConfiguration(
					AutoConfigurations.of(ObservationAutoConfiguration.class, OpenTelemetrySdkAutoConfiguration.class,
							MicrometerTracingAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class))
			.run((context) -> assertThat(context.getBean(SpanExporters.class).list())
				.contains(context.getBean(TraceCollector.class)));
	}

	@Test
	void exposesNoEndpointUnlessTheUserExposesIt() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CollectorAutoConfiguration.class,
					CollectorEndpointAutoConfiguration.class, EndpointAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(LogsEndpoint.class)
				.doesNotHaveBean(TracesEndpoint.class));
	}

	@Test
	void createsTheEndpointsTheUserExposes() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CollectorAutoConfiguration.class,
					CollectorEndpointAutoConfiguration.class, EndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=logs,traces")
			.withInitializer(org.springframework.boot.autoconfigure.logging.ConditionEvaluationReportLoggingListener
				.forLogLevel(org.springframework.boot.logging.LogLevel.INFO))
			.run((context) -> assertThat(context).hasSingleBean(LogsEndpoint.class)
				.hasSingleBean(TracesEndpoint.class));
	}

	@Test
	void meterFilterDescribesPhanesMetersCapsExternalTagValuesAndLowersOutcomes() {
		this.contextRunner.withPropertyValues("phanes.collector.metrics.max-tag-values=2")
			.withBean("storeObservations", DocumentedObservations.class,
					() -> DocumentedObservations.of(StoreObservation.values()))
			.withBean("loadBalancerObservations", DocumentedObservations.class,
					() -> DocumentedObservations.of(LoadBalancerObservation.values()))
			.run((context) -> {
				MeterRegistry registry = new SimpleMeterRegistry();
				registry.config().meterFilter(context.getBean(MeterFilter.class));
				for (String service : new String[] { "a", "b", "c" }) {
					Counter.builder("phanes.loadbalancer.retries")
						.tag("service", service)
						.register(registry)
						.increment();
				}
				Counter.builder("other.requests").tag("service", "c").register(registry).increment();
				Counter.builder("phanes.store.custom").tag("outcome", "SUCCESS").register(registry).increment();
				assertThat(registry.find("phanes.loadbalancer.retries").counters()).hasSize(2);
				assertThat(registry.find("other.requests").counters()).hasSize(1);
				assertThat(registry.get("phanes.store.custom").counter().getId().getTag("outcome"))
					.isEqualTo("success");
				Timer.builder("phanes.store").register(registry);
				LongTaskTimer.builder("phanes.store.active").register(registry);
				assertThat(registry.get("phanes.store").timer().getId().getDescription()).isEqualTo("Store operations");
				assertThat(registry.get("phanes.store.active").longTaskTimer().getId().getDescription())
					.isEqualTo("Store operations in progress");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCollectors {

		final LogCollector logs = new LogCollector(5, 5000);

		final TraceCollector traces = new TraceCollector(5, 5000);

		@Bean
		LogCollector userLogCollector() {
			return this.logs;
		}

		@Bean
		TraceCollector userTraceCollector() {
			return this.traces;
		}

	}

}
