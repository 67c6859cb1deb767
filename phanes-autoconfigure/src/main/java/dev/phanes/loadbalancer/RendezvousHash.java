package dev.phanes.loadbalancer;

import java.util.List;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Rendezvous (highest random weight) hashing of a key onto service instances: every
 * instance gets a pseudo-random score for the key and the highest score wins.
 * <p>
 * The same key picks the same instance while the set is unchanged, whatever its order.
 * When an instance leaves, only the keys it won move (about 1/N of them); when one joins,
 * only the keys it now wins move to it. No ring and no state: the cost is one hash per
 * instance per choice. Scores use a 64-bit FNV-1a hash finished with the SplitMix64
 * mixer, the same in every JVM.
 */
public final class RendezvousHash {

	private static final long FNV_OFFSET = 0xcbf29ce484222325L;

	private static final long FNV_PRIME = 0x100000001b3L;

	private RendezvousHash() {
	}

	/**
	 * Choose the instance a key belongs to, from hashes computed beforehand: an instance
	 * list's hashes can be kept as long as the list.
	 * @param keyHash the {@link #keyHash(String) hash of the key}
	 * @param instanceHashes the {@link #instanceHashes(List) hashes of the candidates},
	 * not empty
	 * @return the index of the winning instance
	 */
	public static int choose(long keyHash, long[] instanceHashes) {
		int best = 0;
		long bestScore = Long.MIN_VALUE;
		for (int i = 0; i < instanceHashes.length; i++) {
			long score = mix(keyHash ^ instanceHashes[i]);
			if (score > bestScore) {
				best = i;
				bestScore = score;
			}
		}
		return best;
	}

	/**
	 * Hash a key.
	 * @param key the key
	 * @return its hash
	 */
	public static long keyHash(String key) {
		return mix(hash(key, FNV_OFFSET));
	}

	/**
	 * Hash the identities of instances, in order.
	 * @param instances the instances
	 * @return their hashes
	 */
	public static long[] instanceHashes(List<ServiceInstance> instances) {
		long[] hashes = new long[instances.size()];
		for (int i = 0; i < hashes.length; i++) {
			hashes[i] = hash(identity(instances.get(i)), FNV_OFFSET);
		}
		return hashes;
	}

	/**
	 * Hash the identity of one instance, as {@link #instanceHashes(List)} does.
	 * @param identity the {@link #identity(ServiceInstance) identity} of the instance
	 * @return its hash
	 */
	public static long identityHash(String identity) {
		return hash(identity, FNV_OFFSET);
	}

	/**
	 * The identity of an instance that hashing uses: its instance id, or its host and
	 * port when it has none.
	 * @param instance the instance
	 * @return the identity
	 */
	public static String identity(ServiceInstance instance) {
		String id = instance.getInstanceId();
		return (id != null) ? id : instance.getHost() + ":" + instance.getPort();
	}

	private static long hash(String text, long seed) {
		long hash = seed;
		for (int i = 0; i < text.length(); i++) {
			hash ^= text.charAt(i);
			hash *= FNV_PRIME;
		}
		return hash;
	}

	private static long mix(long value) {
		long z = value + 0x9e3779b97f4a7c15L;
		z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
		z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
		return z ^ (z >>> 31);
	}

}
