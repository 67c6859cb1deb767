package dev.phanes.sync.etcd;

import java.time.Duration;

import io.etcd.jetcd.Client;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.sync.LockEngine;
import dev.phanes.sync.SyncConformanceTests;
import dev.phanes.test.EtcdExtension;
import dev.phanes.test.EtcdServer;

/**
 * The conformance suite on one real etcd member; each registry has its own engine, so its
 * own lease, as a separate process would.
 */
@ExtendWith(EtcdExtension.class)
class EtcdSyncConformanceIT extends SyncConformanceTests {

	private static Client client;

	private static String endpoint;

	@BeforeAll
	static void connect(EtcdServer server) {
		if (server != null) {
			endpoint = server.endpoint();
			client = Client.builder().endpoints(endpoint).waitForReady(false).build();
		}
	}

	@AfterAll
	static void disconnect() {
		if (client != null) {
			client.close();
		}
	}

	@Override
	protected LockEngine newEngine() {
		return new EtcdLockEngine(client, endpoint, Duration.ofSeconds(5));
	}

}
