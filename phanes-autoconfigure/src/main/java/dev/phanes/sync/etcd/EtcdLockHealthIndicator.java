package dev.phanes.sync.etcd;

import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the locks on etcd: up while etcd answers a read within the request timeout
 * and every lease of the engine was renewed within its TTL; with the backend, the leases
 * in hex and how many locks the engine holds. An engine that has held no lock yet has no
 * lease and is up when etcd answers. A check waits for etcd up to the request timeout.
 */
public class EtcdLockHealthIndicator extends AbstractHealthIndicator {

	private final EtcdLockEngine engine;

	/**
	 * Create the indicator.
	 * @param engine the engine
	 */
	public EtcdLockHealthIndicator(EtcdLockEngine engine) {
		super("etcd lock health check failed");
		this.engine = engine;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Map<String, Boolean> leases = this.engine.leases();
		builder.withDetail("backend", this.engine.backend())
			.withDetail("leases", leases.keySet())
			.withDetail("locksHeld", this.engine.locksHeld());
		long revision = this.engine.ping();
		if (leases.containsValue(false)) {
			builder.down().withDetail("error", "etcd has not renewed a lease within its TTL");
		}
		else {
			builder.up().withDetail("revision", revision);
		}
	}

}
