package dev.phanes.config.etcd;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports whether etcd answered the last request made to it (a read, a watch event or
 * failure, or the probe each health check starts in the background), with the endpoints
 * and prefixes as details; a rejected change is {@link ConfigReloadHealthIndicator}'s to
 * report. A check never waits for etcd: it answers at once from what is known, so an
 * outage shows within one request timeout and a recovery at the first answer.
 * <p>
 * Put it in the readiness group, never liveness, so an etcd outage takes the instance out
 * of rotation instead of restarting it (it keeps serving its last good configuration).
 */
public class EtcdConfigHealthIndicator extends AbstractHealthIndicator {

	private final EtcdConfigClient client;

	/**
	 * Create an indicator.
	 * @param client the client to check
	 */
	public EtcdConfigHealthIndicator(EtcdConfigClient client) {
		super("etcd configuration health check failed");
		this.client = client;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("endpoints", this.client.endpoints()).withDetail("prefixes", this.client.prefixes());
		this.client.probe(this.client.prefixes().isEmpty() ? "/" : this.client.prefixes().get(0));
		EtcdConfigClient.Contact contact = this.client.lastContact();
		if (contact == null) {
			builder.down().withDetail("error", "etcd has not answered yet");
			return;
		}
		builder.withDetail("revision", contact.revision()).withDetail("checkedAt", contact.at().toString());
		if (contact.reached()) {
			builder.up();
		}
		else {
			builder.down().withDetail("error", String.valueOf(contact.error()));
		}
	}

}
