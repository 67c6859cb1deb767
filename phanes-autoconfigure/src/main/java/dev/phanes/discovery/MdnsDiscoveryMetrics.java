package dev.phanes.discovery;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters of mDNS discovery: the size of the local view, what it left out, and what this
 * application announced. Changes of the view are timed by the
 * {@code phanes.discovery.change} observation ({@link DiscoveryChangeObserver}), not
 * counted here.
 */
public class MdnsDiscoveryMetrics implements MeterBinder {

	private final MdnsTransport transport;

	private final MdnsView view;

	/**
	 * Create the meters' source.
	 * @param transport the engine
	 * @param view the local view
	 */
	public MdnsDiscoveryMetrics(MdnsTransport transport, MdnsView view) {
		this.transport = transport;
		this.view = view;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("phanes.discovery.services", this.view, (view) -> view.services().size())
			.description("Services in the local mDNS view")
			.register(registry);
		Gauge.builder("phanes.discovery.instances", this.view, MdnsView::instanceCount)
			.description("Instances in the local mDNS view")
			.register(registry);
		FunctionCounter.builder("phanes.discovery.ignored", this.view, MdnsView::ignoredCount)
			.description("Services or instances left out because the local view was full")
			.register(registry);
		FunctionCounter.builder("phanes.discovery.announcements", this.transport, MdnsTransport::announcements)
			.description("Announcements and goodbyes this application sent")
			.tag("kind", "announce")
			.register(registry);
		FunctionCounter.builder("phanes.discovery.announcements", this.transport, MdnsTransport::goodbyes)
			.description("Announcements and goodbyes this application sent")
			.tag("kind", "goodbye")
			.register(registry);
	}

}
