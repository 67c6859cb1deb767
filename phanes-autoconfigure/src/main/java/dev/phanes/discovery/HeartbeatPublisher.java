package dev.phanes.discovery;

import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes a Spring Cloud {@link HeartbeatEvent} for each change of a discovery view,
 * its state being the view's version; it knows nothing of who listens (Spring Cloud
 * LoadBalancer clears its cached instance lists on a heartbeat, Spring Cloud Gateway
 * refreshes its routes).
 */
public final class HeartbeatPublisher implements DiscoveryListener {

	private final Object view;

	private final ApplicationEventPublisher publisher;

	/**
	 * Create a publisher.
	 * @param view the view, the source of the events
	 * @param publisher where the events go
	 */
	public HeartbeatPublisher(Object view, ApplicationEventPublisher publisher) {
		this.view = view;
		this.publisher = publisher;
	}

	@Override
	public void viewChanged(DiscoveryChange change) {
		this.publisher.publishEvent(new HeartbeatEvent(this.view, change.version()));
	}

}
