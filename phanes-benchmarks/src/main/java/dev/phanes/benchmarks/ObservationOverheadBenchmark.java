package dev.phanes.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import dev.phanes.collector.PhanesMeterFilter;
import dev.phanes.collector.TraceCollector;
import dev.phanes.event.Event;
import dev.phanes.event.EventAutoConfiguration;
import dev.phanes.event.EventBus;
import dev.phanes.event.DefaultEventBus;
import dev.phanes.event.EventObservation;
import dev.phanes.event.MicrometerEventMetrics;
import dev.phanes.observation.PhanesMeterObservationHandler;
import dev.phanes.store.DefaultStore;
import dev.phanes.store.MemoryStoreEngine;
import dev.phanes.store.ObservedStore;
import dev.phanes.store.Store;
import dev.phanes.store.StoreRecord;
import dev.phanes.store.StoreObservation;
import dev.phanes.store.StoreOptions;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * What observing a store write costs: the same write to a {@link DefaultStore} on a
 * {@link MemoryStoreEngine}, through an {@link ObservedStore} with
 * {@link ObservationRegistry#NOOP} (the baseline), with metrics only (a Prometheus
 * registry behind the {@link PhanesMeterObservationHandler} grouped ahead of Micrometer's
 * default meter handler, and the {@link PhanesMeterFilter}, as the starter sets it up;
 * with and without the long-task timer Boot adds by default; and with Micrometer's
 * default handler alone, as before the Phanes handler), and with metrics and tracing
 * (Micrometer Tracing's OpenTelemetry bridge, every trace sampled, spans batched to a
 * {@link TraceCollector} as the starter sets it up). The same for an in-process publish:
 * a {@link DefaultEventBus} over the local transport from the event auto-configuration,
 * in a small context, publishing a small payload to one typed subscription whose handler
 * hands it to a {@link Blackhole}; the baseline has {@link ObservationRegistry#NOOP} and
 * no meter registry, the others also have {@link MicrometerEventMetrics} on the
 * Prometheus registry (one publish is a publish and a delivery observation; the counters
 * count only failures). Average time per operation, in nanoseconds;
 * {@link ObservabilityTable} reports the nanoseconds each adds to its baseline.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ObservationOverheadBenchmark {

	private final Workload workload = new Workload();

	private Store noop;

	private Store metrics;

	private Store defaultHandlerMetrics;

	private Store metricsWithoutLongTaskTimer;

	private Store tracing;

	private final Published payload = new Published("order 42 shipped");

	private final List<AnnotationConfigApplicationContext> contexts = new ArrayList<>();

	private EventBus noopBus;

	private EventBus metricsBus;

	private EventBus tracingBus;

	private SdkTracerProvider tracerProvider;

	/**
	 * Build the stores, each preloaded with every key, and the buses, each with one typed
	 * subscription.
	 * @param blackhole where the subscriptions hand the payload
	 */
	@Setup
	public void setUp(Blackhole blackhole) {
		this.noop = store(ObservationRegistry.NOOP);
		this.metrics = store(metricsRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true, true));
		this.defaultHandlerMetrics = store(
				metricsRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false, true));
		this.metricsWithoutLongTaskTimer = store(
				metricsRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true, false));
		this.noopBus = bus(ObservationRegistry.NOOP, null, blackhole);
		PrometheusMeterRegistry busMeters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		this.metricsBus = bus(metricsRegistry(busMeters, true, true), busMeters, blackhole);
		PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		ObservationRegistry traced = metricsRegistry(meters, true, true);
		this.tracerProvider = SdkTracerProvider.builder()
			.setSampler(Sampler.alwaysOn())
			.addSpanProcessor(BatchSpanProcessor.builder(new TraceCollector(2000, 2 * 1024 * 1024)).build())
			.build();
		OtelCurrentTraceContext context = new OtelCurrentTraceContext();
		OtelTracer tracer = new OtelTracer(this.tracerProvider.get("phanes-benchmark"), context, (event) -> {
		}, new OtelBaggageManager(context, List.of(), List.of()));
		traced.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
		this.tracing = store(traced);
		this.tracingBus = bus(traced, meters, blackhole);
	}

	/**
	 * Close the buses' contexts and stop the tracer's export thread.
	 */
	@TearDown
	public void tearDown() {
		this.contexts.forEach(AnnotationConfigApplicationContext::close);
		this.tracerProvider.close();
	}

	private static ObservationRegistry metricsRegistry(MeterRegistry meters, boolean phanesHandler,
			boolean longTaskTimer) {
		meters.config()
			.meterFilter(new PhanesMeterFilter(100,
					List.of(StoreObservation.OPERATION, EventObservation.PUBLISH, EventObservation.DELIVER)));
		DefaultMeterObservationHandler.IgnoredMeters[] ignored = longTaskTimer
				? new DefaultMeterObservationHandler.IgnoredMeters[0]
				: new DefaultMeterObservationHandler.IgnoredMeters[] {
						DefaultMeterObservationHandler.IgnoredMeters.LONG_TASK_TIMER };
		List<ObservationHandler<?>> handlers = new ArrayList<>();
		if (phanesHandler) {
			handlers.add(new PhanesMeterObservationHandler(meters, longTaskTimer,
					PhanesMeterObservationHandler.DEFAULT_MAX_TAG_SETS));
		}
		handlers.add(new DefaultMeterObservationHandler(meters, ignored));
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig()
			.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(handlers));
		return registry;
	}

	private Store store(ObservationRegistry registry) {
		Store store = ObservedStore.observe(new DefaultStore(new MemoryStoreEngine(), StoreOptions.defaults()),
				registry);
		for (int i = 0; i < Workload.KEYS; i++) {
			store.write(this.workload.record(i));
		}
		return store;
	}

	private EventBus bus(ObservationRegistry registry, @Nullable MeterRegistry meters, Blackhole blackhole) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.registerBean(ObservationRegistry.class, () -> registry);
		if (meters != null) {
			context.registerBean(MeterRegistry.class, () -> meters);
		}
		context.register(BusConfiguration.class);
		context.refresh();
		this.contexts.add(context);
		EventBus bus = context.getBean(EventBus.class);
		bus.subscribe("published", "benchmark", Published.class, (event) -> blackhole.consume(event.payload()));
		return bus;
	}

	/**
	 * Overwrite a record, unobserved.
	 * @return the record as stored
	 */
	@Benchmark
	public StoreRecord noopWrite() {
		return this.noop.write(this.workload.record(this.workload.nextKey()));
	}

	/**
	 * Overwrite a record, observed as a timer.
	 * @return the record as stored
	 */
	@Benchmark
	public StoreRecord metricsWrite() {
		return this.metrics.write(this.workload.record(this.workload.nextKey()));
	}

	/**
	 * Overwrite a record, observed as a timer by Micrometer's default meter handler alone
	 * (what Boot does without the Phanes handler).
	 * @return the record as stored
	 */
	@Benchmark
	public StoreRecord defaultHandlerMetricsWrite() {
		return this.defaultHandlerMetrics.write(this.workload.record(this.workload.nextKey()));
	}

	/**
	 * Overwrite a record, observed as a timer without the long-task timer
	 * ({@code management.metrics.observations.ignored-meters=long-task-timer}).
	 * @return the record as stored
	 */
	@Benchmark
	public StoreRecord metricsWithoutLongTaskTimerWrite() {
		return this.metricsWithoutLongTaskTimer.write(this.workload.record(this.workload.nextKey()));
	}

	/**
	 * Overwrite a record, observed as a timer and a sampled span.
	 * @return the record as stored
	 */
	@Benchmark
	public StoreRecord tracingWrite() {
		return this.tracing.write(this.workload.record(this.workload.nextKey()));
	}

	/**
	 * Publish to one typed subscription, unobserved and uncounted.
	 * @return the publication's completion
	 */
	@Benchmark
	public CompletableFuture<Event<Published>> noopPublish() {
		return this.noopBus.publish("published", this.payload);
	}

	/**
	 * Publish to one typed subscription, observed as timers.
	 * @return the publication's completion
	 */
	@Benchmark
	public CompletableFuture<Event<Published>> metricsPublish() {
		return this.metricsBus.publish("published", this.payload);
	}

	/**
	 * Publish to one typed subscription, observed as timers and sampled spans.
	 * @return the publication's completion
	 */
	@Benchmark
	public CompletableFuture<Event<Published>> tracingPublish() {
		return this.tracingBus.publish("published", this.payload);
	}

	/**
	 * The published payload.
	 *
	 * @param text what happened
	 */
	public record Published(String text) {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(EventAutoConfiguration.class)
	static class BusConfiguration {

	}

}
