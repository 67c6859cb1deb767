package dev.phanes.loadbalancer;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import dev.phanes.test.MutableClock;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link OutlierEjection}: failures in a row eject, the ejection time grows while the
 * instance keeps failing and starts again after a success, and the cap holds.
 */
class OutlierEjectionTests {

	private final MutableClock clock = new MutableClock();

	private final OutlierEjection ejection = new OutlierEjection("svc", 3, Duration.ofSeconds(10),
			Duration.ofSeconds(35), 50, this.clock);

	private final List<String> instances = List.of("a", "b", "c", "d");

	@Test
	void ejectsAfterTheConfiguredFailuresInARow() {
		this.ejection.filter(this.instances, Function.identity());
		assertThat(this.ejection.failure("a")).isFalse();
		assertThat(this.ejection.failure("a")).isFalse();
		assertThat(this.ejection.isEjected("a")).isFalse();
		assertThat(this.ejection.failure("a")).isTrue();
		assertThat(this.ejection.isEjected("a")).isTrue();
		assertThat(this.ejection.filter(this.instances, Function.identity())).containsExactly("b", "c", "d");
		assertThat(this.ejection.failure("a")).as("already ejected").isFalse();
	}

	@Test
	void theEjectionTimeDoublesWhileTheInstanceKeepsFailingUpToTheLongest() {
		this.ejection.filter(this.instances, Function.identity());
		ejectA();
		assertEjectedFor(Duration.ofSeconds(10));
		assertThat(this.ejection.failure("a")).as("on probation: one failure ejects again").isTrue();
		assertEjectedFor(Duration.ofSeconds(20));
		assertThat(this.ejection.failure("a")).isTrue();
		assertEjectedFor(Duration.ofSeconds(35));
		assertThat(this.ejection.failure("a")).isTrue();
		assertEjectedFor(Duration.ofSeconds(35));
		assertThat(this.ejection.states().get("a").ejections()).isEqualTo(4);
	}

	@Test
	void aSuccessAfterTheEjectionReturnsTheInstanceAndResetsTheTime() {
		this.ejection.filter(this.instances, Function.identity());
		ejectA();
		this.clock.advance(Duration.ofSeconds(10));
		this.ejection.success("a");
		assertThat(this.ejection.isQuiet()).isTrue();
		assertThat(this.ejection.failure("a")).as("no longer on probation").isFalse();
		assertThat(this.ejection.failure("a")).isFalse();
		assertThat(this.ejection.failure("a")).isTrue();
		assertEjectedFor(Duration.ofSeconds(10));
	}

	@Test
	void aSuccessOfACallStartedBeforeTheEjectionDoesNotEndIt() {
		this.ejection.filter(this.instances, Function.identity());
		ejectA();
		this.ejection.success("a");
		assertThat(this.ejection.isEjected("a")).isTrue();
	}

	@Test
	void neverMoreThanTheShareAndNeverTheLastInstance() {
		this.ejection.filter(this.instances, Function.identity());
		for (int i = 0; i < 10; i++) {
			this.instances.forEach(this.ejection::failure);
		}
		assertThat(this.ejection.ejectedCount()).isEqualTo(2);
		OutlierEjection single = new OutlierEjection("one", 1, Duration.ofSeconds(10), Duration.ofSeconds(10), 100,
				this.clock);
		assertThat(single.filter(List.of("a"), Function.identity())).containsExactly("a");
		assertThat(single.failure("a")).isFalse();
		OutlierEjection all = new OutlierEjection("all", 1, Duration.ofSeconds(10), Duration.ofSeconds(10), 100,
				this.clock);
		all.filter(this.instances, Function.identity());
		this.instances.forEach(all::failure);
		assertThat(all.filter(this.instances, Function.identity())).hasSize(1);
	}

	@Test
	void theShareIsOfTheLargestListSeenNotOfARetrysShorterOne() {
		OutlierEjection ejection = new OutlierEjection("svc", 1, Duration.ofSeconds(10), Duration.ofSeconds(10), 50,
				this.clock);
		assertThat(ejection.isQuiet()).as("the service's size is not known yet").isFalse();
		ejection.filter(this.instances, Function.identity());
		assertThat(ejection.isQuiet()).isTrue();
		// A retry's list leaves out the instance just tried.
		ejection.filter(this.instances.subList(0, 1), Function.identity());
		assertThat(ejection.failure("a")).isTrue();
		assertThat(ejection.failure("b")).as("50 %% of 4, not of 1").isTrue();
		assertThat(ejection.failure("c")).isFalse();
		assertThat(ejection.filter(this.instances.subList(0, 2), Function.identity()))
			.as("a list of 2 keeps its share in")
			.hasSize(1);
	}

	@Test
	void instancesNotHeardOfForTwiceTheLongestTimeAreForgotten() {
		this.ejection.filter(this.instances, Function.identity());
		this.ejection.failure("gone");
		this.clock.advance(Duration.ofSeconds(71));
		this.ejection.failure("b");
		assertThat(this.ejection.states()).containsOnlyKeys("b");
	}

	@Test
	void rejectsSettingsOutOfRange() {
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> new OutlierEjection("svc", 0, Duration.ofSeconds(1), Duration.ofSeconds(1), 50, this.clock))
			.withMessageContaining("consecutiveFailures");
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> new OutlierEjection("svc", 1, Duration.ofSeconds(1), Duration.ofSeconds(1), 101, this.clock))
			.withMessageContaining("maxEjectionPercent");
	}

	private void ejectA() {
		this.ejection.failure("a");
		this.ejection.failure("a");
		assertThat(this.ejection.failure("a")).isTrue();
	}

	private void assertEjectedFor(Duration time) {
		this.clock.advance(time.minusMillis(1));
		assertThat(this.ejection.isEjected("a")).isTrue();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.ejection.isEjected("a")).isFalse();
	}

}
