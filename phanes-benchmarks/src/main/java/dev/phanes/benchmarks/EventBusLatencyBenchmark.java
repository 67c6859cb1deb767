package dev.phanes.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import dev.phanes.event.EventAutoConfiguration;
import dev.phanes.event.EventBus;
import dev.phanes.event.Subscribe;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * In-process latency from publication to handler: {@link EventBus#publish} to a typed
 * subscription ({@code subscribe(topic, group, type, handler)}) and to a
 * {@link Subscribe @Subscribe} method, in a context with the Phanes event
 * auto-configuration, beside {@code ApplicationEventPublisher.publishEvent} to an
 * {@code @EventListener} method in a plain Spring context. Each handler hands the payload
 * to a {@link Blackhole}; the payload is built in the setup. The bus runs on the
 * application's default multicaster (no executor), so each publication returns after its
 * handler ran. Goal: Phanes at most 1.2× the baseline's time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EventBusLatencyBenchmark {

	private AnnotationConfigApplicationContext phanes;

	private AnnotationConfigApplicationContext spring;

	private EventBus bus;

	private final Typed typed = new Typed("typed");

	private final Annotated annotated = new Annotated("annotated");

	private final Plain plain = new Plain("plain");

	private Blackhole sink;

	@Setup(Level.Trial)
	public void start(Blackhole blackhole) {
		this.sink = blackhole;
		this.phanes = new AnnotationConfigApplicationContext();
		this.phanes.registerBean(Blackhole.class, () -> blackhole);
		this.phanes.register(PhanesConfiguration.class);
		this.phanes.refresh();
		this.bus = this.phanes.getBean(EventBus.class);
		this.bus.subscribe("typed", "benchmark", Typed.class, (event) -> this.sink.consume(event.payload()));
		this.spring = new AnnotationConfigApplicationContext();
		this.spring.registerBean(Blackhole.class, () -> blackhole);
		this.spring.register(SpringConfiguration.class);
		this.spring.refresh();
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.phanes.close();
		this.spring.close();
	}

	@Benchmark
	public Object phanesSubscription() {
		return this.bus.publish("typed", this.typed);
	}

	@Benchmark
	public Object phanesSubscribeMethod() {
		return this.bus.publish("annotated", this.annotated);
	}

	@Benchmark
	public void baselineEventListener() {
		this.spring.publishEvent(this.plain);
	}

	record Typed(String text) {

	}

	record Annotated(String text) {

	}

	record Plain(String text) {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(EventAutoConfiguration.class)
	static class PhanesConfiguration {

		@Bean
		AnnotatedHandler annotatedHandler(Blackhole blackhole) {
			return new AnnotatedHandler(blackhole);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SpringConfiguration {

		@Bean
		PlainListener plainListener(Blackhole blackhole) {
			return new PlainListener(blackhole);
		}

	}

	static class AnnotatedHandler {

		private final Blackhole blackhole;

		AnnotatedHandler(Blackhole blackhole) {
			this.blackhole = blackhole;
		}

		@Subscribe(topic = "annotated", group = "benchmark")
		public void on(Annotated payload) {
			this.blackhole.consume(payload);
		}

	}

	static class PlainListener {

		private final Blackhole blackhole;

		PlainListener(Blackhole blackhole) {
			this.blackhole = blackhole;
		}

		@EventListener
		public void on(Plain payload) {
			this.blackhole.consume(payload);
		}

	}

}
