package dev.phanes.sync.etcd;

import io.etcd.jetcd.ByteSequence;

import dev.phanes.sync.etcd.EtcdLeases.KeptLease;

import static dev.phanes.sync.etcd.EtcdLeases.bytes;

/**
 * Where the locks of an {@link EtcdLockEngine} lie in etcd: the key its lock service is
 * asked to lock for a name ({@code <prefix><encoded name>}), the keys etcd's mutex writes
 * under it ({@code <lock key>/<lease hex>}, one per lease that holds or waits), and the
 * holder record of a lease. Immutable.
 * <p>
 * etcd's mutex counts every key under {@code <lock key>/} as a holder or waiter, so a
 * name is encoded without {@code /}: {@code %} becomes {@code %25} and {@code /} becomes
 * {@code %2F}, everything else stays. No encoded name then starts with another's followed
 * by {@code /}, and two names never share a key.
 */
final class EtcdLockKeys {

	private final String prefix;

	private final String holdersPrefix;

	/**
	 * Create the keys of an engine.
	 * @param prefix the start of every lock key
	 * @param holdersPrefix the start of every holder record
	 * @throws IllegalArgumentException if a prefix is empty or starts with the other
	 */
	EtcdLockKeys(String prefix, String holdersPrefix) {
		if (prefix.isEmpty() || holdersPrefix.isEmpty() || prefix.startsWith(holdersPrefix)
				|| holdersPrefix.startsWith(prefix)) {
			throw new IllegalArgumentException("The lock prefix '" + prefix + "' and the holders prefix '"
					+ holdersPrefix + "' must be non-empty and neither may start with the other");
		}
		this.prefix = prefix;
		this.holdersPrefix = holdersPrefix;
	}

	String prefix() {
		return this.prefix;
	}

	String holdersPrefix() {
		return this.holdersPrefix;
	}

	/**
	 * Return the key etcd's lock service is asked to lock for a name.
	 * @param name the lock's name
	 * @return the key
	 */
	ByteSequence lock(String name) {
		return bytes(this.prefix + encode(name));
	}

	/**
	 * Return the start of the keys etcd's mutex writes for a name; the oldest of them
	 * holds the lock.
	 * @param name the lock's name
	 * @return the lock key followed by {@code /}
	 */
	String waiters(String name) {
		return this.prefix + encode(name) + "/";
	}

	/**
	 * Return the key etcd's mutex writes for a name under a lease.
	 * @param name the lock's name
	 * @param lease the lease
	 * @return the key
	 */
	ByteSequence attempt(String name, KeptLease lease) {
		return bytes(waiters(name) + lease.hex);
	}

	/**
	 * Return the key of a lease's holder record.
	 * @param leaseHex the lease in hex
	 * @return the key
	 */
	ByteSequence holderRecord(String leaseHex) {
		return bytes(this.holdersPrefix + leaseHex);
	}

	/**
	 * Encode a name for a key: {@code %} as {@code %25}, {@code /} as {@code %2F}.
	 * @param name the lock's name
	 * @return the name without {@code /}, decodable back to it
	 */
	static String encode(String name) {
		if (name.indexOf('%') < 0 && name.indexOf('/') < 0) {
			return name;
		}
		StringBuilder encoded = new StringBuilder(name.length() + 8);
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			switch (c) {
				case '%' -> encoded.append("%25");
				case '/' -> encoded.append("%2F");
				default -> encoded.append(c);
			}
		}
		return encoded.toString();
	}

}
