package dev.phanes.collector;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import org.junit.jupiter.api.Test;

import dev.phanes.config.ConfigObservation;
import dev.phanes.config.ConfigReloadObservationContext;
import dev.phanes.config.ConfigReloadSource;
import dev.phanes.config.DefaultConfigReloadObservationConvention;
import dev.phanes.discovery.DefaultDiscoveryChangeObservationConvention;
import dev.phanes.discovery.DiscoveryChange;
import dev.phanes.discovery.DiscoveryChangeObservationContext;
import dev.phanes.discovery.DiscoveryObservation;
import dev.phanes.event.DefaultEventObservationConvention;
import dev.phanes.event.EventObservation;
import dev.phanes.event.EventObservationContext;
import dev.phanes.event.EventObservationContext.Kind;
import dev.phanes.loadbalancer.DefaultLoadBalancerObservationConvention;
import dev.phanes.loadbalancer.LoadBalancerObservation;
import dev.phanes.loadbalancer.LoadBalancerObservationContext;
import dev.phanes.observation.PhanesObservationDocumentation;
import dev.phanes.store.DefaultStoreObservationConvention;
import dev.phanes.store.StoreObservation;
import dev.phanes.store.StoreObservationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each block's observation documentation agrees with what its default convention emits:
 * the same name and the same low-cardinality tag keys, and only documented
 * high-cardinality keys, so that {@link PhanesMeterFilter} describes and caps the meters
 * the blocks really make.
 */
class ObservationDocumentationTests {

	@Test
	void storeObservationIsDocumentedWithTheTagsItsConventionEmits() {
		assertDocumented(StoreObservation.OPERATION, new DefaultStoreObservationConvention(),
				new StoreObservationContext("memory", "write", "db", "table"));
	}

	@Test
	void loadBalancerObservationIsDocumentedWithTheTagsItsConventionEmits() {
		assertDocumented(LoadBalancerObservation.CHOICE, new DefaultLoadBalancerObservationConvention(),
				new LoadBalancerObservationContext("notes", true, false));
	}

	@Test
	void discoveryObservationIsDocumentedWithTheTagsItsConventionEmits() {
		assertDocumented(DiscoveryObservation.CHANGE, new DefaultDiscoveryChangeObservationConvention(),
				new DiscoveryChangeObservationContext(new DiscoveryChange(1, List.of(), List.of(), List.of())));
	}

	@Test
	void configObservationIsDocumentedWithTheTagsItsConventionEmits() {
		assertDocumented(ConfigObservation.RELOAD, new DefaultConfigReloadObservationConvention(),
				new ConfigReloadObservationContext(ConfigReloadSource.values()[0]));
	}

	@Test
	void eventObservationsAreDocumentedWithTheTagsTheirConventionEmits() {
		assertDocumented(EventObservation.PUBLISH, new DefaultEventObservationConvention(Kind.PUBLISH),
				new EventObservationContext(Kind.PUBLISH, "kafka", "notes", "note-created", null));
		assertDocumented(EventObservation.DELIVER, new DefaultEventObservationConvention(Kind.DELIVER),
				new EventObservationContext(Kind.DELIVER, "kafka", "notes", "note-created", "indexer"));
		assertThat(new DefaultEventObservationConvention(Kind.DELIVER)
			.getContextualName(new EventObservationContext(Kind.DELIVER, "kafka", "notes", "note-created", "indexer")))
			.isEqualTo("deliver notes");
	}

	@Test
	void tagsWhoseValuesComeFromOutsideAreCapped() {
		List<PhanesObservationDocumentation> observations = List.of(StoreObservation.OPERATION,
				DiscoveryObservation.CHANGE, LoadBalancerObservation.CHOICE, ConfigObservation.RELOAD,
				EventObservation.PUBLISH, EventObservation.DELIVER);
		Set<String> capped = new TreeSet<>();
		for (PhanesObservationDocumentation observation : observations) {
			for (String key : names(observation.getLowCardinalityKeyNames())) {
				// A filter of its own for each key: the cap is per tag key, across
				// meters.
				PhanesMeterFilter filter = new PhanesMeterFilter(1, observations);
				assertThat(filter.accept(meter(observation, key, "first"))).isEqualTo(MeterFilterReply.NEUTRAL);
				if (filter.accept(meter(observation, key, "second")) == MeterFilterReply.DENY) {
					capped.add(key);
				}
			}
		}
		assertThat(capped).containsExactlyInAnyOrder("service", "source", "topic");
	}

	private static Meter.Id meter(PhanesObservationDocumentation observation, String key, String value) {
		return new Meter.Id(observation.getName(), Tags.of(key, value), null, null, Meter.Type.TIMER);
	}

	@SuppressWarnings("unchecked")
	private static <C extends Observation.Context> void assertDocumented(PhanesObservationDocumentation documentation,
			ObservationConvention<C> convention, C context) {
		assertThat(convention.supportsContext(context)).isTrue();
		assertThat(documentation.getName()).isEqualTo(convention.getName());
		assertThat(documentation.getDefaultConvention()).isEqualTo(convention.getClass());
		assertThat(documentation.getDescription()).isNotBlank();
		assertThat(keys(convention.getLowCardinalityKeyValues(context)))
			.containsExactlyInAnyOrderElementsOf(names(documentation.getLowCardinalityKeyNames()));
		assertThat(names(documentation.getHighCardinalityKeyNames()))
			.containsAll(keys(convention.getHighCardinalityKeyValues(context)));
		assertThat(names(documentation.getLowCardinalityKeyNames()))
			.containsAll(names(documentation.getExternalKeyNames()));
	}

	private static List<String> keys(KeyValues keyValues) {
		return keyValues.stream().map(KeyValue::getKey).toList();
	}

	private static Set<String> names(KeyName[] keyNames) {
		return Set.copyOf(Arrays.stream(keyNames).map(KeyName::asString).toList());
	}

}
