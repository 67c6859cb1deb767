package dev.phanes.discovery.etcd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of discovery over etcd: up while etcd answered the last probe of the registry
 * prefix and every registration of this application is in etcd; with the size of the
 * view, its revision, and each registration's lease. A check asks for a new probe in the
 * background and answers from what is known, so it never waits on etcd. It belongs in the
 * readiness group: during an etcd outage the view keeps answering with the instances it
 * knew and registrations come back by themselves, so nothing needs a restart.
 */
public class EtcdDiscoveryHealthIndicator extends AbstractHealthIndicator {

	private final EtcdView view;

	private final EtcdRegistrar registrar;

	/**
	 * Create the indicator.
	 * @param view the live view
	 * @param registrar what keeps this application's registrations
	 */
	public EtcdDiscoveryHealthIndicator(EtcdView view, EtcdRegistrar registrar) {
		super("etcd discovery health check failed");
		this.view = view;
		this.registrar = registrar;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		this.view.probe();
		EtcdView.Contact contact = this.view.contact();
		List<EtcdRegistrar.State> states = this.registrar.states();
		builder.withDetail("services", this.view.services().size())
			.withDetail("instances", this.view.instanceCount())
			.withDetail("revision", this.view.revision())
			.withDetail("rejected", this.view.rejected())
			.withDetail("reregistrations", this.registrar.reregistrations())
			.withDetail("registrations", states.stream().map(EtcdDiscoveryHealthIndicator::detail).toList());
		if (this.view.lastError() != null) {
			builder.withDetail("viewError", this.view.lastError());
		}
		if (contact == null) {
			builder.down().withDetail("error", "etcd has not answered yet");
		}
		else if (!contact.reached()) {
			builder.down()
				.withDetail("error", "etcd did not answer: " + contact.error())
				.withDetail("since", contact.at().toString());
		}
		else if (!states.stream().allMatch(EtcdRegistrar.State::registered)) {
			builder.down().withDetail("error", "a registration of this application is not in etcd");
		}
		else {
			builder.up().withDetail("keys", contact.keys());
		}
	}

	private static Map<String, Object> detail(EtcdRegistrar.State state) {
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("instance", state.registration().toString());
		detail.put("registered", state.registered());
		detail.put("leaseId", Long.toHexString(state.leaseId()));
		if (state.lastKeptAlive() != null) {
			detail.put("lastKeptAlive", state.lastKeptAlive().toString());
		}
		if (state.lastError() != null) {
			detail.put("lastError", state.lastError());
		}
		return detail;
	}

}
