package dev.phanes.collector;

import java.util.List;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import org.junit.jupiter.api.Test;

import dev.phanes.discovery.DefaultDiscoveryChangeObservationConvention;
import dev.phanes.discovery.DiscoveryChangeObservationContext;
import dev.phanes.discovery.MdnsView;
import dev.phanes.event.DefaultEventObservationConvention;
import dev.phanes.event.EventObservationContext;
import dev.phanes.event.EventObservationContext.Kind;
import dev.phanes.loadbalancer.DefaultLoadBalancerObservationConvention;
import dev.phanes.loadbalancer.LoadBalancerObservationContext;
import dev.phanes.store.DefaultStoreObservationConvention;
import dev.phanes.store.StoreObservationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The list of Phanes observations agrees with what each block's default convention emits:
 * the same name and the same low-cardinality tag keys, so that {@link PhanesMeterFilter}
 * describes and caps the meters the blocks really make.
 */
class PhanesObservationsTests {

	@Test
	void storeObservationIsListedWithTheTagsItsConventionEmits() {
		assertListed(new DefaultStoreObservationConvention(), new StoreObservationContext("memory", "write", "", ""));
	}

	@Test
	void loadBalancerObservationIsListedWithTheTagsItsConventionEmits() {
		assertListed(new DefaultLoadBalancerObservationConvention(),
				new LoadBalancerObservationContext("notes", true, false));
	}

	@Test
	void discoveryObservationIsListedWithTheTagsItsConventionEmits() {
		assertListed(new DefaultDiscoveryChangeObservationConvention(),
				new DiscoveryChangeObservationContext(new MdnsView.Change(1, List.of(), List.of(), List.of())));
	}

	@Test
	void eventObservationsAreListedWithTheTagsTheirConventionEmits() {
		assertListed(new DefaultEventObservationConvention(Kind.PUBLISH),
				new EventObservationContext(Kind.PUBLISH, "kafka", "notes", "note-created", null));
		assertListed(new DefaultEventObservationConvention(Kind.DELIVER),
				new EventObservationContext(Kind.DELIVER, "kafka", "notes", "note-created", "indexer"));
		assertThat(new DefaultEventObservationConvention(Kind.DELIVER)
			.getContextualName(new EventObservationContext(Kind.DELIVER, "kafka", "notes", "note-created", "indexer")))
			.isEqualTo("deliver notes");
		assertThat(DefaultEventObservationConvention.PUBLISH).isEqualTo(PhanesObservations.EVENT_PUBLISH);
		assertThat(DefaultEventObservationConvention.DELIVER).isEqualTo(PhanesObservations.EVENT_DELIVER);
	}

	@Test
	void topicIsAnExternalTagWhoseValuesAreCapped() {
		assertThat(PhanesObservations.EXTERNAL_TAGS).contains("topic", "service");
	}

	@SuppressWarnings("unchecked")
	private static <C extends Observation.Context> void assertListed(ObservationConvention<C> convention, C context) {
		assertThat(convention.supportsContext(context)).isTrue();
		PhanesObservations.Definition definition = PhanesObservations.forMeter(convention.getName());
		assertThat(definition).as("%s in PhanesObservations.ALL", convention.getName()).isNotNull();
		KeyValues tags = convention.getLowCardinalityKeyValues(context);
		assertThat(tags.stream().map(KeyValue::getKey).toList()).containsExactlyInAnyOrderElementsOf(definition.tags());
		assertThat(PhanesObservations.forMeter(convention.getName() + ".active")).isSameAs(definition);
	}

}
