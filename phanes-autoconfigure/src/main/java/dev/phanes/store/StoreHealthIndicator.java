package dev.phanes.store;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports whether the store's engine answers: lists one key of the store's table.
 * Details: the database, the table and the backend
 * ({@link DescribedStore#backendOf(Store)}, so {@value DescribedStore#UNDESCRIBED} for a
 * store that does not name its backend).
 * <p>
 * For the file and JPA backends this reaches the engine; put it in the readiness group,
 * never liveness, so an outage takes the instance out of rotation instead of restarting
 * it.
 */
public class StoreHealthIndicator extends AbstractHealthIndicator {

	private final Store store;

	/**
	 * Create an indicator.
	 * @param store the store to check
	 */
	public StoreHealthIndicator(Store store) {
		super("Store health check failed");
		this.store = store;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		this.store.list(Query.all().withLimit(1));
		builder.up()
			.withDetail("backend", DescribedStore.backendOf(this.store))
			.withDetail("database", this.store.database())
			.withDetail("table", this.store.table());
	}

}
