package dev.phanes.benchmarks;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

import dev.phanes.collector.PhanesMeterFilter;
import dev.phanes.collector.PhanesMeterObservationHandler;
import dev.phanes.collector.TraceCollector;
import dev.phanes.store.MemoryStore;
import dev.phanes.store.Record;
import dev.phanes.store.StoreOptions;

/**
 * What observing a store write costs: the same {@link MemoryStore} write with
 * {@link ObservationRegistry#NOOP} (the baseline), with metrics only (a Prometheus
 * registry behind the {@link PhanesMeterObservationHandler} grouped ahead of Micrometer's
 * default meter handler, and the {@link PhanesMeterFilter}, as the starter sets it up;
 * with and without the long-task timer Boot adds by default; and with Micrometer's
 * default handler alone, as before the Phanes handler), and with metrics and tracing
 * (Micrometer Tracing's OpenTelemetry bridge, every trace sampled, spans batched to a
 * {@link TraceCollector} as the starter sets it up). Average time per write, in
 * nanoseconds; {@link ObservabilityTable} reports the nanoseconds each adds to the
 * baseline.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ObservationOverheadBenchmark {

	private final Workload workload = new Workload();

	private MemoryStore noop;

	private MemoryStore metrics;

	private MemoryStore defaultHandlerMetrics;

	private MemoryStore metricsWithoutLongTaskTimer;

	private MemoryStore tracing;

	private SdkTracerProvider tracerProvider;

	/**
	 * Build the three stores, each preloaded with every key.
	 */
	@Setup
	public void setUp() {
		this.noop = store(ObservationRegistry.NOOP);
		this.metrics = store(metricsRegistry(true, true));
		this.defaultHandlerMetrics = store(metricsRegistry(false, true));
		this.metricsWithoutLongTaskTimer = store(metricsRegistry(true, false));
		ObservationRegistry traced = metricsRegistry(true, true);
		this.tracerProvider = SdkTracerProvider.builder()
			.setSampler(Sampler.alwaysOn())
			.addSpanProcessor(BatchSpanProcessor.builder(new TraceCollector(2000, 2 * 1024 * 1024)).build())
			.build();
		OtelCurrentTraceContext context = new OtelCurrentTraceContext();
		OtelTracer tracer = new OtelTracer(this.tracerProvider.get("phanes-benchmark"), context, (event) -> {
		}, new OtelBaggageManager(context, List.of(), List.of()));
		traced.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
		this.tracing = store(traced);
	}

	/**
	 * Stop the tracer's export thread.
	 */
	@TearDown
	public void tearDown() {
		this.tracerProvider.close();
	}

	private static ObservationRegistry metricsRegistry(boolean phanesHandler, boolean longTaskTimer) {
		PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		meters.config().meterFilter(new PhanesMeterFilter(100));
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

	private MemoryStore store(ObservationRegistry registry) {
		MemoryStore store = new MemoryStore(
				new StoreOptions(StoreOptions.DEFAULT_MAX_VALUE_BYTES, Clock.systemUTC(), registry));
		for (int i = 0; i < Workload.KEYS; i++) {
			store.write(this.workload.record(i));
		}
		return store;
	}

	/**
	 * Overwrite a record, unobserved.
	 * @return the record as stored
	 */
	@Benchmark
	public Record noopWrite() {
		return this.noop.write(this.workload.record(this.workload.nextKey()));
	}

	/**
	 * Overwrite a record, observed as a timer.
	 * @return the record as stored
	 */
	@Benchmark
	public Record metricsWrite() {
		return this.metrics.write(this.workload.record(this.workload.nextKey()));
	}

	/**
	 * Overwrite a record, observed as a timer by Micrometer's default meter handler alone
	 * (what Boot does without the Phanes handler).
	 * @return the record as stored
	 */
	@Benchmark
	public Record defaultHandlerMetricsWrite() {
		return this.defaultHandlerMetrics.write(this.workload.record(this.workload.nextKey()));
	}

	/**
	 * Overwrite a record, observed as a timer without the long-task timer
	 * ({@code management.metrics.observations.ignored-meters=long-task-timer}).
	 * @return the record as stored
	 */
	@Benchmark
	public Record metricsWithoutLongTaskTimerWrite() {
		return this.metricsWithoutLongTaskTimer.write(this.workload.record(this.workload.nextKey()));
	}

	/**
	 * Overwrite a record, observed as a timer and a sampled span.
	 * @return the record as stored
	 */
	@Benchmark
	public Record tracingWrite() {
		return this.tracing.write(this.workload.record(this.workload.nextKey()));
	}

}
