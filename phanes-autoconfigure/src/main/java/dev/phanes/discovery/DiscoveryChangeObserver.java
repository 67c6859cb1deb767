package dev.phanes.discovery;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Observes each change of a discovery view (mDNS or etcd) as
 * {@code phanes.discovery.change}: a timer of changes by kind and, with tracing, a span
 * of its own (a change starts no request, so its span is the root of a trace).
 */
public class DiscoveryChangeObserver implements DiscoveryListener {

	private final ObservationRegistry registry;

	private final DiscoveryChangeObservationConvention convention;

	/**
	 * Create an observer with the default convention.
	 * @param registry where changes are observed
	 */
	public DiscoveryChangeObserver(ObservationRegistry registry) {
		this(registry, new DefaultDiscoveryChangeObservationConvention());
	}

	/**
	 * Create an observer.
	 * @param registry where changes are observed
	 * @param convention names and tags the observations
	 */
	public DiscoveryChangeObserver(ObservationRegistry registry, DiscoveryChangeObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	@Override
	public void viewChanged(DiscoveryChange change) {
		Observation
			.createNotStarted(null, this.convention, () -> new DiscoveryChangeObservationContext(change), this.registry)
			.observe(() -> {
			});
	}

}
