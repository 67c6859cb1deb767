package dev.phanes.collector;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import dev.phanes.discovery.DiscoveryObservation;
import dev.phanes.loadbalancer.LoadBalancerObservation;
import dev.phanes.observation.PhanesMeterObservationHandler;
import dev.phanes.observation.PhanesObservationContext;
import dev.phanes.observation.PhanesObservationDocumentation;
import dev.phanes.store.DefaultStore;
import dev.phanes.store.MemoryStoreEngine;
import dev.phanes.store.ObservedStore;
import dev.phanes.store.Store;
import dev.phanes.store.StoreObservation;
import dev.phanes.store.StoreOptions;
import dev.phanes.store.StoreRecord;
import dev.phanes.store.VersionConflictException;
import dev.phanes.store.WriteOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PhanesMeterObservationHandler}: each scenario runs once through
 * Micrometer's {@link DefaultMeterObservationHandler} alone and once with the Phanes
 * handler grouped ahead of it, as Boot groups them, and the meters must be the same.
 */
class PhanesMeterObservationHandlerTests {

	private static final List<PhanesObservationDocumentation> OBSERVATIONS = List.of(StoreObservation.OPERATION,
			DiscoveryObservation.CHANGE, LoadBalancerObservation.CHOICE);

	@Test
	void recordsStoreOperationsAsTheDefaultHandlerDoes() {
		assertSameMeters(true, List.of(), (observations) -> {
			Store store = ObservedStore.observe(
					new DefaultStore(new MemoryStoreEngine(), new StoreOptions(1024, Clock.systemUTC())), observations);
			store.write(StoreRecord.of("a", new byte[] { 1 }));
			store.write(StoreRecord.of("a", new byte[] { 2 }));
			store.read("a");
			store.table("other").write(StoreRecord.of("b", new byte[0]));
			assertThatExceptionOfType(VersionConflictException.class)
				.isThrownBy(() -> store.write(StoreRecord.of("a", new byte[0]), WriteOptions.ifVersion(7)));
			store.delete("a");
		});
	}

	@Test
	void recordsErrorsEventsAndKeyValuesAddedAtStopAsTheDefaultHandlerDoes() {
		assertSameMeters(true, List.of(), (observations) -> {
			Observation failed = Observation
				.createNotStarted(StoreObservation.OPERATION.getName(), TestContext::new, observations)
				.lowCardinalityKeyValue("operation", "write")
				.start();
			failed.error(new IllegalStateException("disk full"));
			failed.lowCardinalityKeyValue("outcome", "error");
			failed.stop();
			Observation.createNotStarted(StoreObservation.OPERATION.getName(), TestContext::new, observations)
				.lowCardinalityKeyValue("operation", "read")
				.observe(() -> {
				});
			Observation withEvent = Observation
				.createNotStarted(DiscoveryObservation.CHANGE.getName(), TestContext::new, observations)
				.lowCardinalityKeyValue("change", "added")
				.start();
			withEvent.event(Observation.Event.of("late"));
			withEvent.stop();
		});
	}

	@Test
	void leavesOutTheLongTaskTimerWhenIgnored() {
		List<String> meters = assertSameMeters(false, List.of(),
				(observations) -> ObservedStore
					.observe(new DefaultStore(new MemoryStoreEngine(), new StoreOptions(1024, Clock.systemUTC())),
							observations)
					.write(StoreRecord.of("a", new byte[0])));
		assertThat(meters).isNotEmpty().noneMatch((line) -> line.startsWith("phanes.store.active"));
	}

	@Test
	void countsAnOperationInProgressOnTheLongTaskTimer() {
		for (boolean phanes : new boolean[] { false, true }) {
			SimpleMeterRegistry meters = meterRegistry(List.of());
			ObservationRegistry observations = observationRegistry(meters, phanes, true);
			Observation running = Observation
				.createNotStarted(StoreObservation.OPERATION.getName(), TestContext::new, observations)
				.lowCardinalityKeyValue("operation", "write")
				.start();
			assertThat(meters.get("phanes.store.active").longTaskTimer().activeTasks()).isOne();
			running.stop();
			assertThat(meters.get("phanes.store.active").longTaskTimer().activeTasks()).isZero();
			assertThat(meters.get("phanes.store").timer().count()).isOne();
		}
	}

	@Test
	void respectsMeterFiltersThatDenyAndCapTags() {
		List<MeterFilter> filters = List.of(new PhanesMeterFilter(2, OBSERVATIONS),
				MeterFilter.deny((id) -> id.getName().equals("phanes.loadbalancer.choice.active")));
		List<String> meters = assertSameMeters(true, filters, (observations) -> {
			for (String service : List.of("s1", "s2", "s3", "s1", "s3", "s2")) {
				Observation.createNotStarted(LoadBalancerObservation.CHOICE.getName(), TestContext::new, observations)
					.lowCardinalityKeyValue("service", service)
					.observe(() -> {
					});
			}
		});
		assertThat(meters).hasSize(2)
			.allMatch((line) -> line.startsWith("phanes.loadbalancer.choice TIMER")
					&& line.contains("'Load-balancer choices of an instance'") && line.endsWith("count=2"));
	}

	@Test
	void recordsOnANewMeterAfterTheKeptOneWasRemoved() {
		SimpleMeterRegistry meters = meterRegistry(List.of());
		ObservationRegistry observations = observationRegistry(meters, true, true);
		Store store = ObservedStore.observe(
				new DefaultStore(new MemoryStoreEngine(), new StoreOptions(1024, Clock.systemUTC())), observations);
		store.write(StoreRecord.of("a", new byte[0]));
		Timer removed = meters.get("phanes.store").timer();
		meters.remove(removed);
		store.write(StoreRecord.of("a", new byte[0]));
		assertThat(removed.count()).isOne();
		assertThat(meters.get("phanes.store").timer()).isNotSameAs(removed);
		assertThat(meters.get("phanes.store").timer().count()).isOne();
	}

	@Test
	void recordsTagCombinationsBeyondTheKeptOnesThroughTheRegistry() {
		SimpleMeterRegistry meters = meterRegistry(List.of());
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new PhanesMeterObservationHandler(meters, true, 1));
		for (String operation : List.of("read", "write", "list", "write", "read")) {
			Observation.createNotStarted(StoreObservation.OPERATION.getName(), TestContext::new, observations)
				.lowCardinalityKeyValue("operation", operation)
				.observe(() -> {
				});
		}
		assertThat(MeterSnapshot.of(meters, "phanes.store ")).isEmpty();
		assertThat(meters.get("phanes.store").tag("operation", "read").timer().count()).isEqualTo(2);
		assertThat(meters.get("phanes.store").tag("operation", "write").timer().count()).isEqualTo(2);
		assertThat(meters.get("phanes.store").tag("operation", "list").timer().count()).isOne();
	}

	@Test
	void leavesOtherObservationsToTheNextHandler() {
		PhanesMeterObservationHandler handler = new PhanesMeterObservationHandler(new SimpleMeterRegistry(), true, 10);
		assertThat(handler.supportsContext(new Observation.Context())).isFalse();
		assertThat(handler.supportsContext(new TestContext())).isTrue();
	}

	private static List<String> assertSameMeters(boolean longTaskTimer, List<MeterFilter> filters,
			Consumer<ObservationRegistry> scenario) {
		SimpleMeterRegistry expected = meterRegistry(filters);
		scenario.accept(observationRegistry(expected, false, longTaskTimer));
		SimpleMeterRegistry actual = meterRegistry(filters);
		scenario.accept(observationRegistry(actual, true, longTaskTimer));
		List<String> meters = MeterSnapshot.of(actual, "phanes.");
		assertThat(meters).isNotEmpty().isEqualTo(MeterSnapshot.of(expected, "phanes."));
		return meters;
	}

	private static SimpleMeterRegistry meterRegistry(List<MeterFilter> filters) {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		(filters.isEmpty() ? List.of(new PhanesMeterFilter(100, OBSERVATIONS)) : filters)
			.forEach((filter) -> registry.config().meterFilter(filter));
		return registry;
	}

	private static ObservationRegistry observationRegistry(MeterRegistry meters, boolean phanes,
			boolean longTaskTimer) {
		List<ObservationHandler<?>> handlers = new ArrayList<>();
		if (phanes) {
			handlers.add(new PhanesMeterObservationHandler(meters, longTaskTimer,
					PhanesMeterObservationHandler.DEFAULT_MAX_TAG_SETS));
		}
		handlers
			.add(longTaskTimer ? new DefaultMeterObservationHandler(meters) : new DefaultMeterObservationHandler(meters,
					DefaultMeterObservationHandler.IgnoredMeters.LONG_TASK_TIMER));
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig()
			.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(handlers));
		return registry;
	}

	static class TestContext extends PhanesObservationContext {

	}

}
