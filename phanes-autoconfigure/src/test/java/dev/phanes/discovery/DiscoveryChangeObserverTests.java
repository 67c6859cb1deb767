package dev.phanes.discovery;

import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changes of the mDNS view observed as {@code phanes.discovery.change}, one timer per
 * kind of change.
 */
class DiscoveryChangeObserverTests {

	private static final DiscoveredInstance A = new DiscoveredInstance("svc", "a", "127.0.0.1", 8080, false, Map.of());

	private static final DiscoveredInstance B = new DiscoveredInstance("svc", "b", "127.0.0.1", 8081, false, Map.of());

	@Test
	void timesEachChangeByKind() {
		MeterRegistry meters = new SimpleMeterRegistry();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		DiscoveryChangeObserver observer = new DiscoveryChangeObserver(registry);
		observer.viewChanged(new DiscoveryChange(1, List.of(A, B), List.of(), List.of()));
		observer.viewChanged(new DiscoveryChange(2, List.of(), List.of(), List.of(A)));
		observer.viewChanged(new DiscoveryChange(3, List.of(), List.of(B), List.of()));
		observer.viewChanged(new DiscoveryChange(4, List.of(A), List.of(), List.of(B)));
		for (String kind : List.of("added", "removed", "updated", "mixed")) {
			assertThat(meters.get("phanes.discovery.change").tag("change", kind).timer().count()).as(kind).isOne();
		}
	}

}
