package dev.phanes.sync.etcd;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.sync.SyncProcessesTests;
import dev.phanes.test.EmbeddedPostgresExtension;
import dev.phanes.test.EtcdCluster;
import dev.phanes.test.EtcdServer;
import dev.phanes.test.Prerequisites;

/**
 * Locks and leader election between real processes on the etcd backend: a three-member
 * etcd cluster on loopback for the locks, the fenced store on an embedded PostgreSQL.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class EtcdSyncProcessesIT extends SyncProcessesTests {

	private static EtcdCluster cluster;

	private EmbeddedPostgresExtension.Server server;

	@BeforeAll
	static void startCluster() {
		String executable = EtcdServer.executable();
		if (executable != null) {
			cluster = new EtcdCluster(executable);
		}
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@BeforeEach
	void requireEtcd(EmbeddedPostgresExtension.Server server) {
		Prerequisites.require(cluster != null,
				"the etcd program (/usr/bin/etcd or on the PATH; Debian package etcd-server)");
		this.server = server;
	}

	@Override
	protected List<String> backendArguments() {
		return List.of("--phanes.sync.type=etcd", "--phanes.sync.etcd.endpoints=" + cluster.endpoints(),
				"--phanes.store.type=jpa", "--spring.datasource.url=" + this.server.jdbcUrl(),
				"--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
				"--spring.jpa.open-in-view=false");
	}

}
