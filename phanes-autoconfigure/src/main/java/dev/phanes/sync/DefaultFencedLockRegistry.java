package dev.phanes.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The {@link FencedLockRegistry} over a {@link LockEngine}: keeps the threads of this
 * process apart, counts re-entrant holds, tells a holder at once when its lease is lost,
 * and frees a lock whose holding thread ended without releasing it one TTL after it
 * noticed (as the backend frees the locks of a process that stopped). A loss is marked on
 * the hold at once, on the thread that learned of it; the warning, the meter and the
 * {@link LockLostEvent} follow on the registry's own thread, so that a listener never
 * runs on, or holds up, an engine's thread. The state of a name is forgotten while no
 * thread holds or waits for it.
 */
public final class DefaultFencedLockRegistry implements FencedLockRegistry, AutoCloseable {

	private static final Log logger = LogFactory.getLog(DefaultFencedLockRegistry.class);

	private final LockEngine engine;

	private final Duration ttl;

	private final LockObserver observer;

	private final Consumer<LockLostEvent> lossPublisher;

	private final ConcurrentMap<String, Slot> slots = new ConcurrentHashMap<>();

	private final ScheduledExecutorService worker;

	private final ScheduledFuture<?> sweeping;

	/**
	 * Create a registry.
	 * @param engine the backend
	 * @param ttl how long a lock outlives a holder that stopped keeping it alive, unless
	 * a call gives its own
	 * @param observer told what happens, for metrics
	 * @param lossPublisher given an event for each lost lock
	 */
	public DefaultFencedLockRegistry(LockEngine engine, Duration ttl, LockObserver observer,
			Consumer<LockLostEvent> lossPublisher) {
		this.engine = engine;
		this.ttl = checkTtl(ttl);
		this.observer = observer;
		this.lossPublisher = lossPublisher;
		this.worker = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "phanes-sync-registry");
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.max(50, Math.min(1000, ttl.toMillis() / 4));
		this.sweeping = this.worker.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
	}

	private static Duration checkTtl(@Nullable Duration ttl) {
		if (ttl == null || ttl.toMillis() < 1) {
			throw new IllegalArgumentException("Lock TTL must be at least 1 ms, got " + ttl);
		}
		return ttl;
	}

	@Override
	public FencedLock obtain(Object lockKey) {
		return new Handle(checkName(lockKey));
	}

	static String checkName(@Nullable Object lockKey) {
		if (!(lockKey instanceof String name) || name.isBlank()) {
			throw new IllegalArgumentException("Lock name must be a non-blank String, got "
					+ ((lockKey != null) ? lockKey.getClass().getName() + " '" + lockKey + "'" : "null"));
		}
		if (name.length() > MAX_NAME_LENGTH) {
			throw new IllegalArgumentException(
					"Lock name must have at most " + MAX_NAME_LENGTH + " characters, got " + name.length());
		}
		for (int i = 0; i < name.length(); i++) {
			if (Character.isISOControl(name.charAt(i))) {
				throw new IllegalArgumentException("Lock name must not contain control characters (at " + i + ")");
			}
		}
		return name;
	}

	@Override
	public String backend() {
		return this.engine.backend();
	}

	@Override
	public String holderId() {
		return this.engine.holderId();
	}

	@Override
	public Optional<String> holder(String name) {
		return this.engine.holder(checkName(name));
	}

	@Override
	public List<HeldLock> heldLocks() {
		List<HeldLock> held = new ArrayList<>();
		for (Slot slot : this.slots.values()) {
			Hold hold = slot.hold;
			if (hold != null) {
				held.add(new HeldLock(slot.name, hold.lease.token(), hold.since, hold.owner.getName(), hold.lost));
			}
		}
		held.sort(Comparator.comparing(HeldLock::name));
		return held;
	}

	/**
	 * Tell the holders that their locks are lost ({@code registry-closed}), stop freeing
	 * abandoned locks and close the engine, which releases what it holds.
	 */
	@Override
	public void close() {
		// announcements already queued still run (a loss found just before closing is
		// told), then later ones run on this thread
		this.sweeping.cancel(false);
		this.worker.shutdown();
		try {
			if (!this.worker.awaitTermination(5, TimeUnit.SECONDS)) {
				logger.warn("Lock loss announcements still running after 5 s; closing without them");
				this.worker.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.worker.shutdownNow();
		}
		for (Slot slot : this.slots.values()) {
			Hold hold = slot.hold;
			if (hold != null) {
				lost(slot, hold, "registry-closed");
			}
		}
		this.engine.close();
	}

	/**
	 * Forget the names nobody holds or waits for, and free the locks whose holding thread
	 * ended without releasing them, one TTL after it was first seen ended.
	 */
	void sweep() {
		long now = System.nanoTime();
		for (Slot slot : this.slots.values()) {
			Hold hold = slot.hold;
			if (hold == null) {
				forgetIfIdle(slot);
				continue;
			}
			if (hold.owner.isAlive()) {
				continue;
			}
			if (hold.endedSeen == 0) {
				hold.endedSeen = now;
			}
			else if (now - hold.endedSeen >= hold.ttl.toNanos()) {
				logger.warn("Freeing lock '" + slot.name + "': its holder thread " + hold.owner.getName()
						+ " ended without releasing it");
				try {
					this.engine.release(slot.name, hold.lease);
				}
				catch (RuntimeException ex) {
					logger.warn("Could not release abandoned lock '" + slot.name + "'; the backend frees it when "
							+ "its lease ends", ex);
				}
				drop(slot, hold);
			}
		}
	}

	/**
	 * Remove a name's state unless a thread holds the name or is acquiring it; acquiring
	 * threads register in the same atomic step of the map (see {@link Handle#enter()}).
	 */
	private void forgetIfIdle(Slot slot) {
		this.slots.computeIfPresent(slot.name,
				(name, current) -> (current.users.get() == 0 && current.hold == null) ? null : current);
	}

	/**
	 * Return how many names this registry keeps state for.
	 * @return the count
	 */
	int namesKept() {
		return this.slots.size();
	}

	private void drop(Slot slot, Hold hold) {
		synchronized (slot) {
			if (slot.hold != hold) {
				return;
			}
			slot.hold = null;
		}
		this.observer.released(this.engine.backend(), System.nanoTime() - hold.startNanos);
		slot.local.release();
	}

	private void lost(Slot slot, Hold hold, String reason) {
		synchronized (slot) {
			if (slot.hold != hold || hold.lost != null) {
				return;
			}
			hold.lost = reason;
		}
		long token = hold.lease.token();
		Runnable announce = () -> {
			logger.warn("Lock '" + slot.name + "' (fencing token " + token + ", held by thread " + hold.owner.getName()
					+ ") was lost: " + reason);
			this.observer.lost(this.engine.backend(), reason);
			this.lossPublisher.accept(new LockLostEvent(this, slot.name, token, reason));
		};
		try {
			this.worker.execute(announce);
		}
		catch (RejectedExecutionException ex) {
			// closing: announced on the closing thread
			announce.run();
		}
	}

	/**
	 * The state of one name in this process.
	 */
	private static final class Slot {

		final String name;

		/** One permit: the thread holding it may ask the engine for the name. */
		final Semaphore local = new Semaphore(1, true);

		/** Threads acquiring the name now; while there are any it is not forgotten. */
		final AtomicInteger users = new AtomicInteger();

		volatile @Nullable Hold hold;

		Slot(String name) {
			this.name = name;
		}

	}

	/**
	 * One hold of a lock by a thread of this process.
	 */
	private static final class Hold {

		final Slot slot;

		final Thread owner;

		final LockEngine.Lease lease;

		final Duration ttl;

		final Instant since;

		final long startNanos;

		/** Re-entrant depth; read and written by the owner only. */
		int count = 1;

		volatile @Nullable String lost;

		/** When the sweeper first saw the owner ended, or 0. */
		long endedSeen;

		Hold(Slot slot, Thread owner, LockEngine.Lease lease, Duration ttl) {
			this.slot = slot;
			this.owner = owner;
			this.lease = lease;
			this.ttl = ttl;
			this.since = Instant.now(Clock.systemUTC());
			this.startNanos = System.nanoTime();
		}

	}

	/**
	 * The lock of a name as the application sees it.
	 */
	private final class Handle implements FencedLock {

		private final String name;

		Handle(String name) {
			this.name = name;
		}

		/**
		 * Return the name's state, registered as used by this thread until it calls
		 * {@code users.decrementAndGet()}: it is not forgotten meanwhile.
		 */
		private Slot enter() {
			return DefaultFencedLockRegistry.this.slots.compute(this.name, (name, current) -> {
				Slot slot = (current != null) ? current : new Slot(name);
				slot.users.incrementAndGet();
				return slot;
			});
		}

		@Override
		public String name() {
			return this.name;
		}

		@Override
		public void lock() {
			lock(DefaultFencedLockRegistry.this.ttl);
		}

		@Override
		public void lock(Duration ttl) {
			boolean interrupted = false;
			try {
				while (true) {
					try {
						acquire(null, ttl, false);
						return;
					}
					catch (InterruptedException ex) {
						interrupted = true;
					}
				}
			}
			finally {
				if (interrupted) {
					Thread.currentThread().interrupt();
				}
			}
		}

		@Override
		public void lockInterruptibly() throws InterruptedException {
			acquire(null, DefaultFencedLockRegistry.this.ttl, false);
		}

		@Override
		public boolean tryLock() {
			try {
				return acquire(Duration.ZERO, DefaultFencedLockRegistry.this.ttl, true);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}

		@Override
		public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
			return acquire(Duration.ofNanos(Math.max(0, unit.toNanos(time))), DefaultFencedLockRegistry.this.ttl, true);
		}

		@Override
		public boolean tryLock(Duration waitTime, Duration ttl) throws InterruptedException {
			return acquire(waitTime.isNegative() ? Duration.ZERO : waitTime, ttl, true);
		}

		/**
		 * Acquire the lock.
		 * @param wait how long to wait, {@code null} for as long as it takes
		 * @param ttl the lease's TTL
		 * @param reportLoss whether to answer {@code false} to a holder whose hold was
		 * lost (a try), instead of acquiring afresh
		 */
		private boolean acquire(@Nullable Duration wait, Duration ttl, boolean reportLoss) throws InterruptedException {
			checkTtl(ttl);
			Thread me = Thread.currentThread();
			Hold mine = currentHold();
			if (mine != null && mine.owner == me) {
				if (mine.lost == null) {
					mine.count++;
					return true;
				}
				releaseLost(mine);
				if (reportLoss) {
					return false;
				}
			}
			Slot slot = enter();
			try {
				return acquire(slot, wait, ttl);
			}
			finally {
				slot.users.decrementAndGet();
			}
		}

		private boolean acquire(Slot slot, @Nullable Duration wait, Duration ttl) throws InterruptedException {
			long start = System.nanoTime();
			if (wait != null) {
				if (!slot.local.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
					observer.acquired(engine.backend(), false, System.nanoTime() - start);
					return false;
				}
			}
			else {
				slot.local.acquire();
			}
			LockEngine.Lease lease;
			LossForwarder onLoss = new LossForwarder(slot);
			try {
				Duration left = (wait != null) ? wait.minusNanos(System.nanoTime() - start) : null;
				lease = engine.acquire(this.name, (left != null && left.isNegative()) ? Duration.ZERO : left, ttl,
						onLoss);
			}
			catch (InterruptedException | RuntimeException | Error ex) {
				slot.local.release();
				throw ex;
			}
			if (lease == null) {
				slot.local.release();
				observer.acquired(engine.backend(), false, System.nanoTime() - start);
				return false;
			}
			Hold hold = new Hold(slot, Thread.currentThread(), lease, ttl);
			synchronized (slot) {
				slot.hold = hold;
			}
			onLoss.attach(hold);
			observer.acquired(engine.backend(), true, System.nanoTime() - start);
			return true;
		}

		private @Nullable Hold currentHold() {
			Slot slot = DefaultFencedLockRegistry.this.slots.get(this.name);
			return (slot != null) ? slot.hold : null;
		}

		@Override
		public void unlock() {
			Hold hold = ownHold();
			String lost = hold.lost;
			if (lost != null) {
				releaseLost(hold);
				throw new LockLostException(this.name, hold.lease.token(), lost);
			}
			if (hold.count > 1) {
				hold.count--;
				return;
			}
			boolean held;
			try {
				held = engine.release(this.name, hold.lease);
			}
			finally {
				drop(hold.slot, hold);
			}
			if (!held) {
				String lostSince = hold.lost;
				String reason = (lostSince != null) ? lostSince : "released by the backend";
				throw new LockLostException(this.name, hold.lease.token(), reason);
			}
		}

		/**
		 * Drop a lost hold, first asking the engine to release what it may still hold of
		 * it (the loss may have been decided here while the backend still had the lock),
		 * so that others need not wait for it to expire.
		 */
		private void releaseLost(Hold hold) {
			try {
				engine.release(this.name, hold.lease);
			}
			catch (RuntimeException ex) {
				logger.debug("Could not release lost lock '" + this.name + "'; it expires by itself", ex);
			}
			finally {
				drop(hold.slot, hold);
			}
		}

		@Override
		public long fencingToken() {
			Hold hold = ownHold();
			String lost = hold.lost;
			if (lost != null) {
				throw new LockLostException(this.name, hold.lease.token(), lost);
			}
			return hold.lease.token();
		}

		@Override
		public boolean isHeld() {
			Hold hold = currentHold();
			return hold != null && hold.owner == Thread.currentThread() && hold.lost == null;
		}

		private Hold ownHold() {
			Hold hold = currentHold();
			if (hold == null || hold.owner != Thread.currentThread()) {
				throw new IllegalMonitorStateException("The current thread does not hold lock '" + this.name + "'");
			}
			return hold;
		}

		@Override
		public Condition newCondition() {
			throw new UnsupportedOperationException("Conditions are not supported by fenced locks");
		}

		@Override
		public String toString() {
			return "FencedLock[" + this.name + " on " + engine.backend() + "]";
		}

	}

	/**
	 * Forwards an engine's loss of a lease to the hold of that lease, also when the loss
	 * comes before the acquisition has returned.
	 */
	private final class LossForwarder implements LockEngine.LossListener {

		private final Slot slot;

		private @Nullable Hold hold;

		private @Nullable String early;

		LossForwarder(Slot slot) {
			this.slot = slot;
		}

		@Override
		public void lost(String reason) {
			Hold target;
			synchronized (this) {
				if (this.hold == null) {
					this.early = reason;
					return;
				}
				target = this.hold;
			}
			DefaultFencedLockRegistry.this.lost(this.slot, target, reason);
		}

		void attach(Hold hold) {
			String reason;
			synchronized (this) {
				this.hold = hold;
				reason = this.early;
			}
			if (reason != null) {
				DefaultFencedLockRegistry.this.lost(this.slot, hold, reason);
			}
		}

	}

}
