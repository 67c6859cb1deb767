package dev.phanes.sync;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What the registry does whatever the engine: it forgets names nobody uses, and tells of
 * a loss on its own thread.
 */
class DefaultFencedLockRegistryTests {

	private static final Duration TTL = Duration.ofSeconds(10);

	private static final Duration BOUND = Duration.ofSeconds(60);

	@Test
	void namesNobodyHoldsOrWaitsForAreForgotten() throws Exception {
		try (DefaultFencedLockRegistry registry = new DefaultFencedLockRegistry(new MemoryLockEngine(), TTL,
				LockObserver.NONE, (event) -> {
				})) {
			FencedLock kept = registry.obtain("kept");
			kept.lock();
			for (int i = 0; i < 1000; i++) {
				FencedLock lock = registry.obtain("entity-" + i);
				assertThat(lock.tryLock()).isTrue();
				lock.unlock();
			}
			assertThat(registry.namesKept()).isGreaterThan(1);
			registry.sweep();
			assertThat(registry.namesKept()).isOne();
			assertThat(kept.isHeld()).isTrue();
			// a lock obtained before its name was forgotten still works
			FencedLock early = registry.obtain("entity-7");
			registry.sweep();
			assertThat(early.tryLock()).isTrue();
			assertThat(registry.holder("entity-7")).contains(registry.holderId());
			early.unlock();
			kept.unlock();
			registry.sweep();
			assertThat(registry.namesKept()).isZero();
		}
	}

	@Test
	void aLossIsMarkedAtOnceAndAnnouncedOnTheRegistrysThread() throws Exception {
		LosingEngine engine = new LosingEngine();
		List<String> announcedOn = new CopyOnWriteArrayList<>();
		List<LockLostEvent> events = new CopyOnWriteArrayList<>();
		try (DefaultFencedLockRegistry registry = new DefaultFencedLockRegistry(engine, TTL, LockObserver.NONE,
				(event) -> {
					announcedOn.add(Thread.currentThread().getName());
					events.add(event);
				})) {
			FencedLock lock = registry.obtain("orders");
			lock.lock();
			long token = lock.fencingToken();
			LockEngine.LossListener listener = engine.listener;
			assertThat(listener).isNotNull();
			listener.lost("keep-alive-failed");
			// marked on the engine's (here the test's) thread before it returns
			assertThat(lock.isHeld()).isFalse();
			assertThatExceptionOfType(LockLostException.class).isThrownBy(lock::fencingToken);
			await().atMost(BOUND).until(() -> !events.isEmpty());
			assertThat(announcedOn).containsExactly("phanes-sync-registry");
			assertThat(events.get(0).getName()).isEqualTo("orders");
			assertThat(events.get(0).getFencingToken()).isEqualTo(token);
			assertThat(events.get(0).getReason()).isEqualTo("keep-alive-failed");
			assertThatExceptionOfType(LockLostException.class).isThrownBy(lock::unlock);
			assertThat(registry.holder("orders")).isEmpty();
		}
	}

	@Test
	void lossesFoundJustBeforeClosingAreStillAnnounced() throws Exception {
		LosingEngine engine = new LosingEngine();
		java.util.concurrent.CountDownLatch slowListener = new java.util.concurrent.CountDownLatch(1);
		List<String> announced = new CopyOnWriteArrayList<>();
		DefaultFencedLockRegistry registry = new DefaultFencedLockRegistry(engine, TTL, LockObserver.NONE, (event) -> {
			announced.add(event.getName() + ":" + event.getReason());
			if (announced.size() == 1) {
				try {
					slowListener.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		});
		FencedLock first = registry.obtain("first");
		first.lock();
		LockEngine.LossListener firstListener = engine.listener;
		FencedLock second = registry.obtain("second");
		second.lock();
		LockEngine.LossListener secondListener = engine.listener;
		firstListener.lost("lease-expired");
		await().atMost(BOUND).until(() -> announced.size() == 1);
		// queued behind the slow listener when the registry closes
		secondListener.lost("keep-alive-failed");
		Thread closing = new Thread(registry::close);
		closing.start();
		Thread.sleep(100);
		slowListener.countDown();
		closing.join(BOUND.toMillis());
		assertThat(announced).containsExactly("first:lease-expired", "second:keep-alive-failed");
	}

	/**
	 * Memory locks whose last loss listener the test calls, as an engine's thread would.
	 */
	private static final class LosingEngine implements LockEngine {

		private final MemoryLockEngine delegate = new MemoryLockEngine();

		volatile @Nullable LossListener listener;

		@Override
		public String backend() {
			return "losing";
		}

		@Override
		public String holderId() {
			return this.delegate.holderId();
		}

		@Override
		public @Nullable Lease acquire(String name, @Nullable Duration wait, Duration ttl, LossListener onLoss)
				throws InterruptedException {
			this.listener = onLoss;
			return this.delegate.acquire(name, wait, ttl, onLoss);
		}

		@Override
		public boolean release(String name, Lease lease) {
			return this.delegate.release(name, lease);
		}

		@Override
		public Optional<String> holder(String name) {
			return this.delegate.holder(name);
		}

	}

}
