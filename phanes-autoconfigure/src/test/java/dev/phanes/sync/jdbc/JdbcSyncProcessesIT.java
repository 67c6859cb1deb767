package dev.phanes.sync.jdbc;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.sync.SyncProcessesTests;
import dev.phanes.test.EmbeddedPostgresExtension;

/**
 * Locks and leader election between real processes on the JDBC backend: Spring
 * Integration's lock table and the fenced store on one embedded PostgreSQL.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class JdbcSyncProcessesIT extends SyncProcessesTests {

	private EmbeddedPostgresExtension.Server server;

	@BeforeEach
	void server(EmbeddedPostgresExtension.Server server) {
		this.server = server;
	}

	@Override
	protected List<String> backendArguments() {
		return List.of("--phanes.sync.type=jdbc", "--phanes.store.type=jpa",
				"--spring.datasource.url=" + this.server.jdbcUrl(), "--spring.datasource.username=postgres",
				"--spring.datasource.password=postgres", "--spring.jpa.open-in-view=false");
	}

}
