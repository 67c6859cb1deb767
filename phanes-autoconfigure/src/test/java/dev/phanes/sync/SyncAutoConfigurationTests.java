package dev.phanes.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.leader.event.AbstractLeaderEvent;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.integration.support.locks.LockRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SyncAutoConfiguration}.
 */
class SyncAutoConfigurationTests {

	private static final Duration BOUND = Duration.ofSeconds(30);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncAutoConfiguration.class, SyncHealthAutoConfiguration.class));

	@Test
	void memoryLocksByDefault() {
		Instant now = Instant.now();
		long started = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(LockRegistry.class)
				.hasSingleBean(FencedLockRegistry.class)
				.hasSingleBean(MemoryLockEngine.class)
				.hasSingleBean(LeaderElections.class);
			FencedLockRegistry registry = context.getBean(FencedLockRegistry.class);
			assertThat(registry.backend()).isEqualTo("memory");
			FencedLock lock = registry.obtain("orders");
			lock.lock();
			assertThat(registry.holder("orders")).contains(registry.holderId());
			// above the wall clock in microseconds when the test began: a restarted
			// process goes on above its predecessor's tokens
			assertThat(lock.fencingToken()).isGreaterThanOrEqualTo(started);
			lock.unlock();
		});
	}

	@Test
	void switchedOff() {
		this.contextRunner.withPropertyValues("phanes.sync.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LockRegistry.class)
				.doesNotHaveBean(LeaderElections.class));
	}

	@Test
	void aHeartbeatAsLongAsTheTtlIsRefused() {
		this.contextRunner.withPropertyValues("phanes.sync.ttl=1s", "phanes.sync.leader.heartbeat=1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("phanes.sync.leader.heartbeat")
				.hasStackTraceContaining("shorter than phanes.sync.ttl"));
	}

	@Test
	void anUnknownBackendIsRefusedNamingTheProperty() {
		this.contextRunner.withPropertyValues("phanes.sync.type=zookeeper")
			.run((context) -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining("phanes.sync.type"));
	}

	@Test
	void jdbcWithoutADataSourceFailsSayingWhatItNeeds() {
		this.contextRunner.withPropertyValues("phanes.sync.type=jdbc")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("phanes.sync.type=jdbc needs one DataSource"));
	}

	@Test
	void etcdLocksOnTheConfigBlocksEndpointsWithAHealthIndicator() {
		this.contextRunner
			.withConfiguration(AutoConfigurations
				.of(org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration.class))
			.withPropertyValues("phanes.sync.type=etcd", "phanes.config.etcd.endpoints=http://127.0.0.1:1")
			.run((context) -> {
				assertThat(context).hasSingleBean(dev.phanes.sync.etcd.EtcdLockEngine.class)
					.hasBean("phanesSyncHealthIndicator")
					.doesNotHaveBean(MemoryLockEngine.class);
				assertThat(context.getBean(FencedLockRegistry.class).backend()).isEqualTo("etcd");
				assertThat(SyncAutoConfiguration.EtcdConfiguration.endpoints(context.getBean(SyncProperties.class),
						context.getEnvironment()))
					.containsExactly("http://127.0.0.1:1");
			});
	}

	@Test
	void aRoleIsLedWithAFencedContextYieldedAndLedAgainWithAHigherToken() {
		List<AbstractLeaderEvent> events = new CopyOnWriteArrayList<>();
		this.contextRunner.withPropertyValues("phanes.sync.leader.roles=purger")
			.withBean(ApplicationListener.class, () -> (ApplicationListener<AbstractLeaderEvent>) events::add)
			.run((context) -> {
				LeaderElections elections = context.getBean(LeaderElections.class);
				FencedLockRegistry registry = context.getBean(FencedLockRegistry.class);
				await().atMost(BOUND).until(() -> elections.isLeader("purger"));
				assertThat(elections.roles()).containsExactly("purger");
				assertThat(elections.leader("purger")).contains(registry.holderId());
				await().atMost(BOUND).until(() -> !events.isEmpty());
				assertThat(events.get(0)).isInstanceOf(OnGrantedEvent.class);
				FencedLeaderContext first = (FencedLeaderContext) events.get(0).getContext();
				assertThat(first.getRole()).isEqualTo("purger");
				assertThat(first.lockName()).isEqualTo("leader/purger");
				assertThat(elections.leadership("purger")).contains(first);
				SyncEndpoint.SyncDescriptor described = new SyncEndpoint(registry, elections).sync();
				assertThat(described.elections()).singleElement().satisfies((election) -> {
					assertThat(election.leading()).isTrue();
					assertThat(election.leader()).isEqualTo(registry.holderId());
					assertThat(election.fencingToken()).isEqualTo(first.fencingToken());
				});
				assertThat(described.locks()).extracting(HeldLock::name).containsExactly("leader/purger");

				elections.yieldLeadership("purger");
				await().atMost(BOUND)
					.until(() -> events.stream().anyMatch(OnRevokedEvent.class::isInstance)
							&& events.get(events.size() - 1) instanceof OnGrantedEvent);
				FencedLeaderContext second = (FencedLeaderContext) events.get(events.size() - 1).getContext();
				assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
				// the first leadership ended, though the application leads again
				assertThat(first.isLeader()).isFalse();
				assertThat(second.isLeader()).isTrue();
				assertThat(elections.leadership("purger")).contains(second);
			});
	}

	@Test
	void aCandidateBeanIsGivenTheFencedContextAndIsRevokedBeforeStopReturns() {
		List<Context> granted = new CopyOnWriteArrayList<>();
		List<Context> revoked = new CopyOnWriteArrayList<>();
		Candidate candidate = new DefaultCandidate("reporter-candidate", "reporter") {

			@Override
			public void onGranted(Context context) {
				granted.add(context);
			}

			@Override
			public void onRevoked(Context context) {
				revoked.add(context);
			}

		};
		this.contextRunner.withBean(Candidate.class, () -> candidate).run((context) -> {
			LeaderElections elections = context.getBean(LeaderElections.class);
			await().atMost(BOUND).until(() -> !granted.isEmpty());
			assertThat(granted.get(0)).isInstanceOfSatisfying(FencedLeaderContext.class,
					(fenced) -> assertThat(fenced.lockName()).isEqualTo("leader/reporter"));
			assertThat(elections.leadership("reporter")).contains((FencedLeaderContext) granted.get(0));
			elections.stop();
			// the leader released its lock and was told before stop returned
			assertThat(revoked).containsExactly(granted.get(0));
			assertThat(granted.get(0).isLeader()).isFalse();
			assertThat(context.getBean(FencedLockRegistry.class).holder("leader/reporter")).isEmpty();
		});
	}

	@Test
	void leaderAndBackendTimesMustBePositive() {
		for (String invalid : List.of("phanes.sync.leader.heartbeat=0ms", "phanes.sync.leader.busy-wait=-1ms",
				"phanes.sync.etcd.request-timeout=0s", "phanes.sync.etcd.connect-timeout=0s",
				"phanes.sync.jdbc.idle-between-tries=0ms")) {
			String property = invalid.substring(0, invalid.indexOf('='));
			this.contextRunner.withPropertyValues(invalid)
				.run((context) -> assertThat(context).as(invalid)
					.hasFailed()
					.getFailure()
					.hasStackTraceContaining(property));
		}
	}

	@Test
	void locksAreMetered() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			FencedLock lock = context.getBean(FencedLockRegistry.class).obtain("metered");
			lock.lock();
			lock.unlock();
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("phanes.sync.lock.acquire")
				.tags("backend", "memory", "outcome", "acquired")
				.timer()
				.count()).isEqualTo(1);
			assertThat(meters.get("phanes.sync.lock.hold").tags("backend", "memory").timer().count()).isEqualTo(1);
		});
	}

}
