package dev.phanes.sync.etcd;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;

import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;

import static dev.phanes.sync.etcd.EtcdLeases.bytes;
import static dev.phanes.sync.etcd.EtcdLeases.call;

/**
 * Reads from etcd whether a lock is taken and who holds it, as etcd's mutex decides: the
 * oldest key under the name holds it, and the holder record of that key's lease names the
 * holder. Thread-safe; each read waits for etcd up to the request timeout.
 */
final class LockHolders {

	private final Client client;

	private final EtcdLockKeys keys;

	private final String endpoints;

	private final Duration requestTimeout;

	LockHolders(Client client, EtcdLockKeys keys, String endpoints, Duration requestTimeout) {
		this.client = client;
		this.keys = keys;
		this.endpoints = endpoints;
		this.requestTimeout = requestTimeout;
	}

	/**
	 * Return whether any process holds or waits for a lock.
	 * @param name the lock's name
	 * @return whether there is a key under the name
	 * @throws InterruptedException if the thread was interrupted while waiting
	 * @throws CannotAcquireLockException if etcd did not answer
	 */
	boolean isTaken(String name) throws InterruptedException {
		try {
			return call(this.client.getKVClient()
				.get(bytes(this.keys.waiters(name)), GetOption.builder().isPrefix(true).withCountOnly(true).build()),
					this.requestTimeout)
				.getCount() > 0;
		}
		catch (InterruptedException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new CannotAcquireLockException("Could not acquire lock '" + name + "': etcd at " + this.endpoints
					+ " did not answer (key prefix '" + this.keys.prefix() + "'): " + ex, ex);
		}
	}

	/**
	 * Read the oldest key under the name, as etcd's mutex does, and the holder record of
	 * its lease.
	 * @param name the lock's name
	 * @return the holder id; the lease in hex for a key of a lease without a record
	 * @throws DataAccessResourceFailureException if etcd did not answer
	 */
	Optional<String> holder(String name) {
		String keys = this.keys.waiters(name);
		try {
			GetResponse owner = call(this.client.getKVClient()
				.get(bytes(keys),
						GetOption.builder()
							.isPrefix(true)
							.withSortField(GetOption.SortTarget.CREATE)
							.withSortOrder(GetOption.SortOrder.ASCEND)
							.withLimit(1)
							.withKeysOnly(true)
							.build()),
					this.requestTimeout);
			if (owner.getKvs().isEmpty()) {
				return Optional.empty();
			}
			String lease = owner.getKvs().get(0).getKey().toString(StandardCharsets.UTF_8).substring(keys.length());
			if (lease.contains("/")) {
				// not a key of this name: written by a version that did not encode
				// names, for a longer one
				return Optional.empty();
			}
			List<KeyValue> record = call(this.client.getKVClient().get(this.keys.holderRecord(lease)),
					this.requestTimeout)
				.getKvs();
			return Optional.of(record.isEmpty() ? lease : record.get(0).getValue().toString(StandardCharsets.UTF_8));
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new DataAccessResourceFailureException("Could not read the holder of lock '" + name
					+ "' from etcd at " + this.endpoints + " (key prefix '" + this.keys.prefix() + "'): " + ex, ex);
		}
	}

}
