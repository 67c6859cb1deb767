package dev.phanes.collector;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.phanes.observation.DocumentedObservations;
import dev.phanes.observation.PhanesMeterObservationHandler;
import dev.phanes.observation.PhanesObservationContext;
import dev.phanes.store.DefaultStore;
import dev.phanes.store.MemoryStoreEngine;
import dev.phanes.store.ObservedStore;
import dev.phanes.store.StoreRecord;
import dev.phanes.store.StoreObservation;
import dev.phanes.store.Store;
import dev.phanes.store.StoreOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PhanesMeterObservationAutoConfiguration}: Boot's observation and
 * metrics auto-configuration with a real registry, with and without the Phanes handler,
 * must show the same meters.
 */
class PhanesMeterObservationAutoConfigurationTests {

	private final ApplicationContextRunner withoutHandler = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, CollectorAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
		.withBean(DocumentedObservations.class, () -> DocumentedObservations.of(StoreObservation.values()));

	private final ApplicationContextRunner contextRunner = this.withoutHandler
		.withConfiguration(AutoConfigurations.of(PhanesMeterObservationAutoConfiguration.class));

	@Test
	void groupsThePhanesHandlerAheadOfBootsMeterHandler() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(PhanesMeterObservationHandler.class);
			ObservationRegistry observations = context.getBean(ObservationRegistry.class);
			PhanesObservationContext phanes = new PhanesMeterObservationHandlerTests.TestContext();
			Observation.createNotStarted(StoreObservation.OPERATION.getName(), () -> phanes, observations)
				.observe(() -> {
				});
			// Boot's handler keeps a Timer.Sample in the context; the Phanes handler
			// times on the context itself, so the timer below was recorded by it.
			assertThat((Object) phanes.get(Timer.Sample.class)).isNull();
			Observation.createNotStarted("other", observations).observe(() -> {
			});
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("phanes.store").timer().count()).isOne();
			assertThat(meters.get("other").timer().count()).isOne();
		});
	}

	@Test
	void showsTheSameMetersAsBootsHandlerAlone() {
		List<String> expected = storeMeters(this.withoutHandler);
		assertThat(expected).anyMatch((line) -> line.startsWith("phanes.store.active LONG_TASK_TIMER"))
			.anyMatch((line) -> line.startsWith("phanes.store TIMER") && line.contains("'Store operations'"));
		assertThat(storeMeters(this.contextRunner)).isEqualTo(expected);
	}

	@Test
	void leavesOutTheLongTaskTimerWhenBootIgnoresIt() {
		String ignored = "management.metrics.observations.ignored-meters=long-task-timer";
		List<String> expected = storeMeters(this.withoutHandler.withPropertyValues(ignored));
		assertThat(expected).isNotEmpty().noneMatch((line) -> line.startsWith("phanes.store.active"));
		assertThat(storeMeters(this.contextRunner.withPropertyValues(ignored))).isEqualTo(expected);
	}

	@Test
	void recordsNothingForAnObservationBootDisables() {
		assertThat(
				storeMeters(this.contextRunner.withPropertyValues("management.observations.enable.phanes.store=false")))
			.isEmpty();
	}

	@Test
	void backsOffWhenTheCollectorIsDisabled() {
		this.contextRunner.withPropertyValues("phanes.collector.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PhanesMeterObservationHandler.class));
	}

	@Test
	void backsOffWhenUserDefinesAHandler() {
		PhanesMeterObservationHandler handler = new PhanesMeterObservationHandler(new SimpleMeterRegistry(), false, 1);
		this.contextRunner.withBean(PhanesMeterObservationHandler.class, () -> handler)
			.run((context) -> assertThat(context.getBean(PhanesMeterObservationHandler.class)).isSameAs(handler));
	}

	private static List<String> storeMeters(ApplicationContextRunner runner) {
		List<List<String>> meters = new ArrayList<>();
		runner.run((context) -> meters.add(writeTwice(context)));
		return meters.get(0);
	}

	private static List<String> writeTwice(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		Store store = ObservedStore.observe(
				new DefaultStore(new MemoryStoreEngine(), new StoreOptions(1024, Clock.systemUTC())),
				context.getBean(ObservationRegistry.class));
		store.write(StoreRecord.of("a", "1"));
		store.write(StoreRecord.of("a", "2"));
		return MeterSnapshot.of(context.getBean(MeterRegistry.class), "phanes.");
	}

}
