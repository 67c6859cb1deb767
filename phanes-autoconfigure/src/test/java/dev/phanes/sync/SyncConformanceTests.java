package dev.phanes.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The contract every {@link LockEngine} keeps under a {@link DefaultFencedLockRegistry}:
 * one subclass per backend. Two registries on one backend stand for two processes.
 */
public abstract class SyncConformanceTests {

	/**
	 * The TTL of the tests' locks: short, so that the expiry test is quick, and wide
	 * beside the engines' own request times.
	 */
	protected static final Duration TTL = Duration.ofSeconds(2);

	/** The TTL of a hold abandoned by its thread, checked as held before it is freed. */
	private static final Duration ABANDONED_TTL = Duration.ofSeconds(10);

	/** A bound on every wait that should end: far beyond what it takes. */
	protected static final Duration BOUND = Duration.ofSeconds(60);

	private final List<DefaultFencedLockRegistry> registries = new ArrayList<>();

	private ExecutorService threads;

	/**
	 * Create an engine for a new holder on the backend under test; every engine a test
	 * creates shares the backend.
	 * @return the engine
	 */
	protected abstract LockEngine newEngine();

	/**
	 * Create a registry, as one process would.
	 * @return the registry
	 */
	protected DefaultFencedLockRegistry newRegistry() {
		DefaultFencedLockRegistry registry = new DefaultFencedLockRegistry(newEngine(), TTL, LockObserver.NONE,
				(event) -> {
				});
		this.registries.add(registry);
		return registry;
	}

	@BeforeEach
	void startThreads() {
		this.threads = Executors.newCachedThreadPool();
	}

	@AfterEach
	void closeRegistries() {
		this.threads.shutdownNow();
		this.registries.forEach(DefaultFencedLockRegistry::close);
	}

	private static String name() {
		return "conformance-" + UUID.randomUUID();
	}

	@Test
	void threadsOfOneProcessNeverLoseAnUpdate() throws Exception {
		DefaultFencedLockRegistry registry = newRegistry();
		String name = name();
		int[] counter = new int[1];
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			workers.add(this.threads.submit(() -> increment(registry.obtain(name), counter, 25)));
		}
		for (Future<?> worker : workers) {
			worker.get(BOUND.toSeconds(), TimeUnit.SECONDS);
		}
		assertThat(counter[0]).isEqualTo(100);
	}

	@Test
	void twoProcessesNeverLoseAnUpdate() throws Exception {
		DefaultFencedLockRegistry first = newRegistry();
		DefaultFencedLockRegistry second = newRegistry();
		String name = name();
		int[] counter = new int[1];
		List<Future<?>> workers = new ArrayList<>();
		for (DefaultFencedLockRegistry registry : List.of(first, second, first, second)) {
			workers.add(this.threads.submit(() -> increment(registry.obtain(name), counter, 20)));
		}
		for (Future<?> worker : workers) {
			worker.get(BOUND.toSeconds(), TimeUnit.SECONDS);
		}
		assertThat(counter[0]).isEqualTo(80);
	}

	private static void increment(FencedLock lock, int[] counter, int times) {
		for (int i = 0; i < times; i++) {
			lock.lock();
			try {
				int read = counter[0];
				Thread.yield();
				counter[0] = read + 1;
			}
			finally {
				lock.unlock();
			}
		}
	}

	@Test
	void tokensOnlyGrowAcrossHolders() throws Exception {
		List<DefaultFencedLockRegistry> holders = List.of(newRegistry(), newRegistry());
		String name = name();
		long last = 0;
		for (int i = 0; i < 6; i++) {
			FencedLock lock = holders.get(i % 2).obtain(name);
			assertThat(lock.tryLock(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			long token = lock.fencingToken();
			lock.unlock();
			assertThat(token).as("acquisition %d", i).isGreaterThan(last);
			last = token;
		}
	}

	@Test
	void aReentrantHoldKeepsItsTokenAndTheLock() throws Exception {
		DefaultFencedLockRegistry first = newRegistry();
		DefaultFencedLockRegistry second = newRegistry();
		String name = name();
		FencedLock lock = first.obtain(name);
		lock.lock();
		long token = lock.fencingToken();
		assertThat(lock.tryLock()).isTrue();
		assertThat(lock.fencingToken()).isEqualTo(token);
		lock.unlock();
		assertThat(lock.isHeld()).isTrue();
		assertThat(onAnotherThread(() -> second.obtain(name).tryLock())).isFalse();
		lock.unlock();
		assertThat(lock.isHeld()).isFalse();
		assertThat(takenAndReleasedOnAnotherThread(second, name)).isTrue();
	}

	@Test
	void onlyTheHolderUnlocks() throws Exception {
		DefaultFencedLockRegistry registry = newRegistry();
		FencedLock lock = registry.obtain(name());
		assertThatExceptionOfType(IllegalMonitorStateException.class).isThrownBy(lock::unlock);
		assertThatExceptionOfType(IllegalMonitorStateException.class).isThrownBy(lock::fencingToken);
		lock.lock();
		Throwable refused = onAnotherThread(() -> {
			try {
				registry.obtain(lock.name()).unlock();
				return null;
			}
			catch (IllegalMonitorStateException ex) {
				return ex;
			}
		});
		assertThat(refused).isInstanceOf(IllegalMonitorStateException.class).hasMessageContaining(lock.name());
		assertThat(lock.isHeld()).isTrue();
		assertThat(onAnotherThread(() -> registry.obtain(lock.name()).tryLock())).isFalse();
		lock.unlock();
	}

	@Test
	void aTryLockGivesUpWhenTheWaitRunsOut() throws Exception {
		DefaultFencedLockRegistry first = newRegistry();
		DefaultFencedLockRegistry second = newRegistry();
		String name = name();
		FencedLock held = first.obtain(name);
		held.lock();
		try {
			assertThat(onAnotherThread(() -> second.obtain(name).tryLock(300, TimeUnit.MILLISECONDS))).isFalse();
			assertThat(onAnotherThread(() -> second.obtain(name).tryLock())).isFalse();
		}
		finally {
			held.unlock();
		}
		// the attempts that gave up left nothing behind that would hold the lock
		assertThat(takenAndReleasedOnAnotherThread(second, name)).isTrue();
	}

	@Test
	void aWaitingHolderGetsTheLockWhenItIsReleased() throws Exception {
		DefaultFencedLockRegistry first = newRegistry();
		DefaultFencedLockRegistry second = newRegistry();
		String name = name();
		FencedLock held = first.obtain(name);
		held.lock();
		long firstToken = held.fencingToken();
		CountDownLatch waiting = new CountDownLatch(1);
		CompletableFuture<Long> next = CompletableFuture.supplyAsync(() -> {
			FencedLock lock = second.obtain(name);
			waiting.countDown();
			lock.lock();
			try {
				return lock.fencingToken();
			}
			finally {
				lock.unlock();
			}
		}, this.threads);
		assertThat(waiting.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
		held.unlock();
		assertThat(next.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isGreaterThan(firstToken);
	}

	@Test
	void aHoldWhoseThreadEndedIsFreedAfterTheTtl() throws Exception {
		DefaultFencedLockRegistry registry = newRegistry();
		String name = name();
		// a TTL well beyond the checks made while the hold must still be there
		Thread holder = new Thread(() -> registry.obtain(name).lock(ABANDONED_TTL), "conformance-abandoning-holder");
		holder.start();
		holder.join(BOUND.toMillis());
		assertThat(holder.isAlive()).isFalse();
		assertThat(registry.heldLocks()).extracting(HeldLock::name).containsExactly(name);
		assertThat(registry.holder(name)).contains(registry.holderId());
		assertThat(onAnotherThread(() -> registry.obtain(name).tryLock())).isFalse();
		assertThat(takenAndReleasedOnAnotherThread(registry, name)).isTrue();
	}

	@Test
	void theBackendSaysWhoHoldsALock() throws Exception {
		DefaultFencedLockRegistry first = newRegistry();
		DefaultFencedLockRegistry second = newRegistry();
		assertThat(first.holderId()).isNotEqualTo(second.holderId());
		String name = name();
		assertThat(second.holder(name)).isEmpty();
		FencedLock lock = first.obtain(name);
		lock.lock();
		assertThat(second.holder(name)).contains(first.holderId());
		assertThat(first.heldLocks()).singleElement().satisfies((held) -> {
			assertThat(held.name()).isEqualTo(name);
			assertThat(held.fencingToken()).isEqualTo(lock.fencingToken());
			assertThat(held.thread()).isEqualTo(Thread.currentThread().getName());
			assertThat(held.lost()).isNull();
		});
		lock.unlock();
		assertThat(second.holder(name)).isEmpty();
		assertThat(first.heldLocks()).isEmpty();
	}

	@Test
	void closingARegistryTellsItsHoldersAndFreesTheirLocks() throws Exception {
		DefaultFencedLockRegistry closing = newRegistry();
		DefaultFencedLockRegistry other = newRegistry();
		String name = name();
		FencedLock lock = closing.obtain(name);
		lock.lock();
		closing.close();
		assertThat(lock.isHeld()).isFalse();
		assertThatExceptionOfType(LockLostException.class).isThrownBy(lock::fencingToken)
			.withMessageContaining("registry-closed");
		assertThatExceptionOfType(LockLostException.class).isThrownBy(lock::unlock);
		assertThat(takenAndReleasedOnAnotherThread(other, name)).isTrue();
	}

	@Test
	void namesAreChecked() {
		DefaultFencedLockRegistry registry = newRegistry();
		assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain(42)).withMessageContaining("String");
		assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain(" ")).withMessageContaining("blank");
		assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain("a\nb")).withMessageContaining("control");
		assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain("x".repeat(257)))
			.withMessageContaining("256");
		assertThat(registry.obtain("x".repeat(256)).name()).hasSize(256);
		assertThat(registry.obtain("orders/€ 1:é").name()).isEqualTo("orders/€ 1:é");
	}

	/**
	 * Take a lock on another thread, waiting at most {@link #BOUND}, and release it.
	 * @param registry the registry to take it in
	 * @param name the lock's name
	 * @return whether it was taken
	 * @throws Exception what the attempt threw
	 */
	protected boolean takenAndReleasedOnAnotherThread(FencedLockRegistry registry, String name) throws Exception {
		return onAnotherThread(() -> {
			FencedLock lock = registry.obtain(name);
			boolean taken = lock.tryLock(BOUND.toMillis(), TimeUnit.MILLISECONDS);
			if (taken) {
				lock.unlock();
			}
			return taken;
		});
	}

	/**
	 * Run a task on another thread of the test's pool and wait for it.
	 * @param <T> its result's type
	 * @param task the task
	 * @return its result
	 * @throws Exception what it threw
	 */
	protected <T> T onAnotherThread(java.util.concurrent.Callable<T> task) throws Exception {
		return this.threads.submit(task).get(BOUND.toSeconds(), TimeUnit.SECONDS);
	}

}
