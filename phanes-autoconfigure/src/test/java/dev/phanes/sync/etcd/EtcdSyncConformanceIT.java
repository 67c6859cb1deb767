package dev.phanes.sync.etcd;

import java.time.Duration;

import io.etcd.jetcd.Client;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import dev.phanes.sync.LockEngine;
import dev.phanes.sync.SyncConformanceTests;
import dev.phanes.test.EtcdCluster;
import dev.phanes.test.EtcdServer;
import dev.phanes.test.Prerequisites;

/**
 * The conformance suite on a real three-member etcd cluster on loopback, the client
 * knowing every member; each registry has its own engine, so its own lease, as a separate
 * process would.
 */
class EtcdSyncConformanceIT extends SyncConformanceTests {

	private static EtcdCluster cluster;

	private static Client client;

	@BeforeAll
	static void startCluster() {
		String executable = EtcdServer.executable();
		if (executable != null) {
			cluster = new EtcdCluster(executable);
			client = Client.builder().endpoints(cluster.endpoints().split(",")).waitForReady(false).build();
		}
	}

	@AfterAll
	static void stopCluster() {
		if (client != null) {
			client.close();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@BeforeEach
	void requireEtcd() {
		Prerequisites.require(cluster != null,
				"the etcd program (/usr/bin/etcd or on the PATH; Debian package etcd-server)");
	}

	@Override
	protected LockEngine newEngine() {
		return new EtcdLockEngine(client, cluster.endpoints(), Duration.ofSeconds(5));
	}

}
