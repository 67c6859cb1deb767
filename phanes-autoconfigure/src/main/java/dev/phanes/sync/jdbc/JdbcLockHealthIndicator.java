package dev.phanes.sync.jdbc;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.dao.DataAccessException;

/**
 * Health of the JDBC locks: up while a query on the lock table answers, with the table,
 * the region, the locks this process holds and the live locks of the region; down with
 * the database's error otherwise. Each check runs one query.
 */
public class JdbcLockHealthIndicator extends AbstractHealthIndicator {

	private final JdbcLockEngine engine;

	/**
	 * Create the indicator.
	 * @param engine the engine
	 */
	public JdbcLockHealthIndicator(JdbcLockEngine engine) {
		super("JDBC lock health check failed");
		this.engine = engine;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("backend", this.engine.backend())
			.withDetail("table", this.engine.lockTable())
			.withDetail("region", this.engine.settings().region())
			.withDetail("holderId", this.engine.holderId())
			.withDetail("held", this.engine.heldCount());
		try {
			long live = this.engine.countLiveLocks();
			builder.up().withDetail("live", live);
		}
		catch (DataAccessException ex) {
			builder.down(ex);
		}
	}

}
