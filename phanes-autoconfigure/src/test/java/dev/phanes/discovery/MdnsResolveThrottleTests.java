package dev.phanes.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MdnsResolveThrottle}.
 */
class MdnsResolveThrottleTests {

	private static final String TYPE = "_inventory._tcp.local.";

	private final List<String> resolved = new ArrayList<>();

	private final MdnsResolveThrottle throttle = new MdnsResolveThrottle(Runnable::run,
			(type, name) -> this.resolved.add(name + "." + type), 2);

	@Test
	void resolvesAnInstanceAtMostOncePerInterval() {
		assertThat(this.throttle.request(TYPE, "a", 1000)).isTrue();
		assertThat(this.throttle.request(TYPE, "a", 1000 + MdnsResolveThrottle.INTERVAL_MILLIS - 1)).isFalse();
		assertThat(this.throttle.request(TYPE, "b", 1500)).isTrue();
		assertThat(this.throttle.request(TYPE, "a", 1000 + MdnsResolveThrottle.INTERVAL_MILLIS)).isTrue();
		assertThat(this.resolved).containsExactly("a." + TYPE, "b." + TYPE, "a." + TYPE);
	}

	@Test
	void forgetsOldRequestsBeyondTheLimitButStillThrottlesRecentOnes() {
		this.throttle.request(TYPE, "a", 0);
		this.throttle.request(TYPE, "b", 5000);
		this.throttle.request(TYPE, "c", 5001);
		assertThat(this.throttle.request(TYPE, "b", 5002)).isFalse();
		assertThat(this.throttle.request(TYPE, "c", 5002)).isFalse();
		assertThat(this.throttle.request(TYPE, "a", 5002)).isTrue();
	}

	@Test
	void aClosedExecutorResolvesNothing() {
		MdnsResolveThrottle closed = new MdnsResolveThrottle((task) -> {
			throw new RejectedExecutionException("closed");
		}, (type, name) -> this.resolved.add(name), 2);
		assertThat(closed.request(TYPE, "a", 0)).isFalse();
		assertThat(this.resolved).isEmpty();
	}

}
