package dev.phanes.discovery.etcd;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters of discovery over etcd: the size of the local view, the documents it left out,
 * its full re-reads, and this application's lost leases. Changes of the view are timed by
 * the {@code phanes.discovery.change} observation, not counted here.
 */
public class EtcdDiscoveryMetrics implements MeterBinder {

	private final EtcdView view;

	private final EtcdRegistrar registrar;

	/**
	 * Create the meters' source.
	 * @param view the local view
	 * @param registrar what keeps this application's registrations
	 */
	public EtcdDiscoveryMetrics(EtcdView view, EtcdRegistrar registrar) {
		this.view = view;
		this.registrar = registrar;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("phanes.discovery.services", this.view, (view) -> view.services().size())
			.description("Services in the local etcd view")
			.register(registry);
		Gauge.builder("phanes.discovery.instances", this.view, EtcdView::instanceCount)
			.description("Instances in the local etcd view")
			.register(registry);
		FunctionCounter.builder("phanes.discovery.rejected", this.view, EtcdView::rejected)
			.description("Registry documents left out of the view as unusable")
			.register(registry);
		FunctionCounter.builder("phanes.discovery.etcd.resyncs", this.view, EtcdView::resyncs)
			.description("Full re-reads of the registry after its watch fell behind or failed")
			.register(registry);
		FunctionCounter.builder("phanes.discovery.etcd.reregistrations", this.registrar, EtcdRegistrar::reregistrations)
			.description("Registrations written again under a new lease after their lease was lost")
			.register(registry);
	}

}
