package dev.phanes.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DiscoveryViewPublisher}: snapshots in, changes out.
 */
class DiscoveryViewPublisherTests {

	private static final DiscoveredInstance A = instance("a", 8080, Map.of());

	private static final DiscoveredInstance B = instance("b", 8081, Map.of());

	private final DiscoveryViewPublisher publisher = new DiscoveryViewPublisher("mDNS");

	private final List<DiscoveryChange> changes = new ArrayList<>();

	@Test
	void tellsListenersWhatAppearedChangedAndLeft() {
		this.publisher.addListener(this.changes::add);
		this.publisher.publish(Map.of("svc", List.of(A, B)));
		DiscoveredInstance movedA = instance("a", 9090, Map.of());
		DiscoveredInstance c = instance("c", 8082, Map.of("zone", "b"));
		this.publisher.publish(Map.of("svc", List.of(movedA, c)));
		assertThat(this.changes).hasSize(2);
		assertThat(this.changes.get(0).version()).isOne();
		assertThat(this.changes.get(0).added()).containsExactlyInAnyOrder(A, B);
		assertThat(this.changes.get(0).updated()).isEmpty();
		assertThat(this.changes.get(0).removed()).isEmpty();
		assertThat(this.changes.get(1)).isEqualTo(new DiscoveryChange(2, List.of(c), List.of(movedA), List.of(B)));
		assertThat(this.publisher.version()).isEqualTo(2);
		assertThat(this.publisher.current()).containsExactly(Map.entry("svc", List.of(movedA, c)));
	}

	@Test
	void anEqualSnapshotIsNoChange() {
		this.publisher.addListener(this.changes::add);
		this.publisher.publish(Map.of("svc", List.of(A)));
		assertThat(this.publisher.publish(Map.of("svc", List.of(A)))).isNull();
		assertThat(this.changes).hasSize(1);
		assertThat(this.publisher.version()).isOne();
	}

	@Test
	void sameInstanceIdInAnotherServiceIsAnotherInstance() {
		DiscoveredInstance other = new DiscoveredInstance("other", "a", "127.0.0.1", 8080, false, Map.of());
		DiscoveryChange change = DiscoveryViewPublisher.difference(7, Map.of("svc", List.of(A)),
				Map.of("other", List.of(other)));
		assertThat(change).isEqualTo(new DiscoveryChange(7, List.of(other), List.of(), List.of(A)));
	}

	@Test
	void aFailingListenerDoesNotKeepOthersFromHearing() {
		this.publisher.addListener((change) -> {
			throw new IllegalStateException("failing listener");
		});
		this.publisher.addListener(this.changes::add);
		this.publisher.publish(Map.of("svc", List.of(A)));
		assertThat(this.changes).hasSize(1);
		assertThat(this.publisher.current()).containsKey("svc");
	}

	private static DiscoveredInstance instance(String id, int port, Map<String, String> metadata) {
		return new DiscoveredInstance("svc", id, "127.0.0.1", port, false, metadata);
	}

}
