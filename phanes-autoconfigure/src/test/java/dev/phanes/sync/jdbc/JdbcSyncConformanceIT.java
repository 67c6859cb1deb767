package dev.phanes.sync.jdbc;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.sync.LockEngine;
import dev.phanes.sync.SyncConformanceTests;
import dev.phanes.test.EmbeddedPostgresExtension;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The conformance suite on the JDBC engine over a real PostgreSQL: each registry has its
 * own engine, so its own client id, on one database.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class JdbcSyncConformanceIT extends SyncConformanceTests {

	private static final JdbcLockEngine.Settings SETTINGS = new JdbcLockEngine.Settings("INT_", "conformance",
			JdbcLockEngine.Settings.DEFAULTS.idleBetweenTries(), false);

	private static DataSource dataSource;

	@BeforeAll
	static void createTables(EmbeddedPostgresExtension.Server server) {
		dataSource = server.dataSource();
		new JdbcLockEngine(dataSource, new DataSourceTransactionManager(dataSource),
				new JdbcLockEngine.Settings("INT_", "conformance", SETTINGS.idleBetweenTries(), true))
			.close();
	}

	@Override
	protected LockEngine newEngine() {
		return new JdbcLockEngine(dataSource, new DataSourceTransactionManager(dataSource), SETTINGS);
	}

}
