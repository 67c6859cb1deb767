package dev.phanes.sync.etcd;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.sync.DefaultFencedLockRegistry;
import dev.phanes.sync.FencedLock;
import dev.phanes.sync.LockLostEvent;
import dev.phanes.sync.LockLostException;
import dev.phanes.sync.LockObserver;
import dev.phanes.test.EtcdCluster;
import dev.phanes.test.EtcdExtension;
import dev.phanes.test.EtcdServer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The etcd engine against real etcd: tokens, abandoned requests, a lease revoked from
 * outside, the leader of a three-member cluster killed, and etcd unreachable. Bounds are
 * wide multiples of the TTL; outcomes are counted, never timed.
 */
@ExtendWith(EtcdExtension.class)
class EtcdLockEngineIT {

	private static final Duration TTL = Duration.ofSeconds(2);

	private static final Duration BOUND = Duration.ofSeconds(60);

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

	private static Client client;

	private static String endpoint;

	private final List<DefaultFencedLockRegistry> registries = new ArrayList<>();

	private final List<LockLostEvent> losses = new CopyOnWriteArrayList<>();

	private ExecutorService threads;

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

	@BeforeEach
	void startThreads() {
		this.threads = Executors.newCachedThreadPool();
	}

	@AfterEach
	void close() {
		this.threads.shutdownNow();
		this.registries.forEach(DefaultFencedLockRegistry::close);
	}

	private DefaultFencedLockRegistry registry(EtcdLockEngine engine, Duration ttl) {
		DefaultFencedLockRegistry registry = new DefaultFencedLockRegistry(engine, ttl, LockObserver.NONE,
				this.losses::add);
		this.registries.add(registry);
		return registry;
	}

	private DefaultFencedLockRegistry registry() {
		return registry(new EtcdLockEngine(client, endpoint, REQUEST_TIMEOUT), TTL);
	}

	private static String name() {
		return "it/" + UUID.randomUUID();
	}

	@Test
	void tokensOnlyGrowAcrossHoldersAndRelocks() throws Exception {
		List<DefaultFencedLockRegistry> holders = List.of(registry(), registry(), registry());
		String name = name();
		long last = 0;
		for (int i = 0; i < 12; i++) {
			// each holder twice in a row: a relock by the same holder, then another
			FencedLock lock = holders.get((i / 2) % 3).obtain(name);
			assertThat(lock.tryLock(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			long token = lock.fencingToken();
			lock.unlock();
			assertThat(token).as("acquisition %d", i).isGreaterThan(last);
			last = token;
		}
	}

	@Test
	void anAbandonedRequestGrantedLaterLeavesNoHolderBehind() throws Exception {
		DefaultFencedLockRegistry first = registry();
		DefaultFencedLockRegistry second = registry();
		DefaultFencedLockRegistry third = registry();
		String name = name();
		FencedLock held = first.obtain(name);
		held.lock();
		// queued behind the holder, then abandoned: etcd grants it when the holder
		// unlocks
		assertThat(onAnotherThread(() -> second.obtain(name).tryLock(300, TimeUnit.MILLISECONDS))).isFalse();
		held.unlock();
		await().atMost(BOUND).until(() -> first.holder(name).isEmpty());
		assertThat(onAnotherThread(() -> {
			FencedLock lock = third.obtain(name);
			boolean taken = lock.tryLock(BOUND.toMillis(), TimeUnit.MILLISECONDS);
			if (taken) {
				assertThat(third.holder(name)).contains(third.holderId());
				lock.unlock();
			}
			return taken;
		})).isTrue();
		assertThat(this.losses).isEmpty();
	}

	@Test
	void grantsRacingTheEndOfAWaitNeverStrandTheName() throws Exception {
		DefaultFencedLockRegistry first = registry();
		DefaultFencedLockRegistry second = registry();
		DefaultFencedLockRegistry third = registry();
		String name = name();
		int taken = 0;
		int gaveUp = 0;
		for (int i = 0; i < 40; i++) {
			FencedLock held = first.obtain(name);
			held.lock();
			long waitMillis = 150;
			Future<Boolean> waiting = this.threads.submit(() -> {
				FencedLock lock = second.obtain(name);
				boolean granted = lock.tryLock(waitMillis, TimeUnit.MILLISECONDS);
				if (granted) {
					lock.unlock();
				}
				return granted;
			});
			// release from 60 ms before to 50 ms after the other's wait runs out: etcd's
			// grant and the end of the wait race, each way in some rounds (the window in
			// which a grant arrives between the timeout and the abandonment is far
			// narrower; this counts the outcomes around it and checks none strands the
			// name)
			Thread.sleep(waitMillis - 60 + (i % 12) * 10);
			held.unlock();
			if (waiting.get(BOUND.toSeconds(), TimeUnit.SECONDS)) {
				taken++;
			}
			else {
				gaveUp++;
			}
		}
		System.out.printf("EtcdLockEngine: of 40 waits ending as the lock was freed, %d took it, %d gave up%n", taken,
				gaveUp);
		// nobody is left holding the name: each registry takes it within the bound
		for (DefaultFencedLockRegistry registry : List.of(third, second, first)) {
			assertThat(onAnotherThread(() -> {
				FencedLock lock = registry.obtain(name);
				boolean granted = lock.tryLock(BOUND.toMillis(), TimeUnit.MILLISECONDS);
				if (granted) {
					lock.unlock();
				}
				return granted;
			})).isTrue();
		}
		assertThat(this.losses).isEmpty();
	}

	@Test
	void aNameIsTakenAtOnceWhileALongerNameStartingWithItIsHeld() throws Exception {
		DefaultFencedLockRegistry first = registry();
		DefaultFencedLockRegistry second = registry();
		String name = name();
		FencedLock longer = first.obtain(name + "/b");
		longer.lock();
		FencedLock shorter = second.obtain(name);
		assertThat(shorter.tryLock(1, TimeUnit.SECONDS)).isTrue();
		assertThat(first.holder(name)).contains(second.holderId());
		assertThat(second.holder(name + "/b")).contains(first.holderId());
		shorter.unlock();
		assertThat(first.holder(name)).isEmpty();
		assertThat(second.holder(name + "/b")).contains(first.holderId());
		longer.unlock();
	}

	@Test
	void namesWithSlashesPercentSignsSpacesAndLettersAreSeparateLocks() throws Exception {
		String base = name();
		// "a%2Fb" beside "a/b": '%' must be encoded too, or the two would share a key
		List<String> names = List.of(base + "/a/b", base + "/a%2Fb", base + "/a", base + "/100% ü",
				base + " leader/Bestellungen €", base + "/€ é/ß");
		List<DefaultFencedLockRegistry> holders = new ArrayList<>();
		List<FencedLock> held = new ArrayList<>();
		for (String name : names) {
			DefaultFencedLockRegistry registry = registry();
			FencedLock lock = registry.obtain(name);
			assertThat(lock.tryLock(1, TimeUnit.SECONDS)).as(name).isTrue();
			holders.add(registry);
			held.add(lock);
		}
		DefaultFencedLockRegistry reader = registry();
		for (int i = 0; i < names.size(); i++) {
			assertThat(reader.holder(names.get(i))).as(names.get(i)).contains(holders.get(i).holderId());
		}
		held.forEach(FencedLock::unlock);
		for (String name : names) {
			assertThat(reader.holder(name)).as(name).isEmpty();
		}
	}

	@Test
	void aLeaseRevokedFromOutsideIsToldToTheHolder() throws Exception {
		EtcdLockEngine engine = new EtcdLockEngine(client, endpoint, REQUEST_TIMEOUT);
		DefaultFencedLockRegistry registry = registry(engine, TTL);
		String name = name();
		FencedLock lock = registry.obtain(name);
		lock.lock();
		long token = lock.fencingToken();
		assertThat(engine.leases()).hasSize(1);
		long lease = Long.parseUnsignedLong(engine.leases().keySet().iterator().next(), 16);
		client.getLeaseClient().revoke(lease).get(BOUND.toSeconds(), TimeUnit.SECONDS);
		await().atMost(BOUND).until(() -> !this.losses.isEmpty());
		assertThat(this.losses).singleElement().satisfies((event) -> {
			assertThat(event.getName()).isEqualTo(name);
			assertThat(event.getFencingToken()).isEqualTo(token);
		});
		assertThat(lock.isHeld()).isFalse();
		assertThatExceptionOfType(LockLostException.class).isThrownBy(lock::unlock);
		// a new lease for the next acquisition
		assertThat(lock.tryLock(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		assertThat(lock.fencingToken()).isGreaterThan(token);
		assertThat(engine.leases().keySet()).doesNotContain(Long.toHexString(lease));
		lock.unlock();
	}

	@Test
	void etcdUnreachableFailsTheAcquisitionWithAClearMessage() throws Exception {
		String nowhere = "http://127.0.0.1:" + freePort();
		try (Client unreachable = Client.builder().endpoints(nowhere).waitForReady(false).build()) {
			DefaultFencedLockRegistry registry = registry(
					new EtcdLockEngine(unreachable, nowhere, Duration.ofSeconds(2)), TTL);
			String name = name();
			Throwable thrown = onAnotherThread(() -> {
				try {
					registry.obtain(name).tryLock(BOUND.toMillis(), TimeUnit.MILLISECONDS);
					return null;
				}
				catch (CannotAcquireLockException ex) {
					return ex;
				}
			});
			assertThat(thrown).isInstanceOf(CannotAcquireLockException.class)
				.hasMessageContaining(nowhere)
				.hasMessageContaining(EtcdLockEngine.DEFAULT_PREFIX)
				.hasMessageContaining(name);
			assertThat(registry.heldLocks()).isEmpty();
		}
	}

	@Test
	void healthIsUpWhileEtcdAnswersAndDownWhenItDoesNot() throws Exception {
		EtcdLockEngine engine = new EtcdLockEngine(client, endpoint, REQUEST_TIMEOUT);
		DefaultFencedLockRegistry registry = registry(engine, TTL);
		FencedLock lock = registry.obtain(name());
		lock.lock();
		Health up = new EtcdLockHealthIndicator(engine).health(true);
		assertThat(up.getStatus()).isEqualTo(Status.UP);
		assertThat(up.getDetails()).containsEntry("backend", "etcd")
			.containsEntry("locksHeld", 1)
			.containsEntry("leases", engine.leases().keySet());
		lock.unlock();
		String nowhere = "http://127.0.0.1:" + freePort();
		try (Client unreachable = Client.builder().endpoints(nowhere).waitForReady(false).build()) {
			EtcdLockEngine down = new EtcdLockEngine(unreachable, nowhere, Duration.ofSeconds(2));
			registry(down, TTL);
			assertThat(new EtcdLockHealthIndicator(down).health(true).getStatus()).isEqualTo(Status.DOWN);
		}
	}

	@Test
	void killingTheLeaderNeverLetsTwoProcessesHoldTheLock() throws Exception {
		String executable = EtcdServer.executable();
		try (EtcdCluster cluster = new EtcdCluster(executable);
				Client clusterClient = Client.builder()
					.endpoints(cluster.endpoints().split(","))
					.waitForReady(false)
					.build()) {
			Duration ttl = Duration.ofSeconds(5);
			DefaultFencedLockRegistry first = registry(
					new EtcdLockEngine(clusterClient, cluster.endpoints(), REQUEST_TIMEOUT), ttl);
			DefaultFencedLockRegistry second = registry(
					new EtcdLockEngine(clusterClient, cluster.endpoints(), REQUEST_TIMEOUT), ttl);
			try {
				assertOneHolderWhileTheLeaderIsKilled(cluster, first, second, ttl);
			}
			finally {
				first.close();
				second.close();
			}
		}
	}

	private void assertOneHolderWhileTheLeaderIsKilled(EtcdCluster cluster, DefaultFencedLockRegistry first,
			DefaultFencedLockRegistry second, Duration ttl) throws Exception {
		String name = name();
		FencedLock held = first.obtain(name);
		held.lock();
		int leader = cluster.leader();
		cluster.kill(leader);
		int taken = 0;
		int refused = 0;
		int failed = 0;
		long end = System.nanoTime() + ttl.multipliedBy(4).toNanos();
		while (System.nanoTime() < end) {
			try {
				boolean got = onAnotherThread(() -> {
					FencedLock other = second.obtain(name);
					boolean lockTaken = other.tryLock();
					if (lockTaken) {
						// the holder must have been told before: never two holders
						assertThat(this.losses).as("the first holder was told it lost the lock").isNotEmpty();
						other.unlock();
					}
					return lockTaken;
				});
				if (got) {
					taken++;
				}
				else {
					refused++;
				}
			}
			catch (java.util.concurrent.ExecutionException ex) {
				if (!(ex.getCause() instanceof DataAccessException)) {
					throw ex;
				}
				failed++;
			}
			Thread.sleep(200);
		}
		assertThat(taken + refused + failed).isPositive();
		if (this.losses.isEmpty()) {
			assertThat(taken).isZero();
			assertThat(held.isHeld()).isTrue();
			held.unlock();
		}
		else {
			assertThat(held.isHeld()).isFalse();
			assertThatExceptionOfType(LockLostException.class).isThrownBy(held::unlock);
		}
	}

	private <T> T onAnotherThread(Callable<T> task) throws Exception {
		return this.threads.submit(task).get(BOUND.toSeconds(), TimeUnit.SECONDS);
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
