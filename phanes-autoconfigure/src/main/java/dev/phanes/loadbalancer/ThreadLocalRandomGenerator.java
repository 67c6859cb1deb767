package dev.phanes.loadbalancer;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The default random source of keyless choices: each thread's own
 * {@link ThreadLocalRandom}, so concurrent choices share no state.
 */
public final class ThreadLocalRandomGenerator implements RandomGenerator {

	@Override
	public long nextLong() {
		return ThreadLocalRandom.current().nextLong();
	}

	@Override
	public int nextInt(int bound) {
		return ThreadLocalRandom.current().nextInt(bound);
	}

}
