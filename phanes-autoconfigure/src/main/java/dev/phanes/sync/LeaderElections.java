package dev.phanes.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.LeaderEventPublisher;
import org.springframework.integration.leader.event.OnFailedToAcquireMutexEvent;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * The leader elections this application takes part in: one Spring Integration
 * {@link LockRegistryLeaderInitiator} per role, over the fenced lock
 * {@code leader/<role>}. The application learns of its leadership through Spring
 * Integration's {@link OnGrantedEvent} and {@link OnRevokedEvent} and through its
 * {@link Candidate} beans, both given the same {@link FencedLeaderContext}, one per
 * leadership; it asks who leads and yields here. Stopping waits, up to
 * {@link #STOP_WAIT}, for each role's leader to release its lock and be revoked.
 */
public final class LeaderElections implements SmartLifecycle {

	/**
	 * Prefix of the lock name of a role.
	 */
	public static final String LOCK_PREFIX = "leader/";

	/**
	 * How long {@link #stop()} waits for each election to end.
	 */
	public static final Duration STOP_WAIT = Duration.ofSeconds(10);

	private static final Log logger = LogFactory.getLog(LeaderElections.class);

	private final FencedLockRegistry registry;

	private final Map<String, LockRegistryLeaderInitiator> initiators = new LinkedHashMap<>();

	private final Map<String, FencedCandidate> candidates = new LinkedHashMap<>();

	private final Set<Thread> electionThreads = ConcurrentHashMap.newKeySet();

	private final boolean autoStartup;

	private volatile boolean running;

	/**
	 * Create the elections.
	 * @param registry the locks
	 * @param candidates the candidates, one per role
	 * @param heartbeat time between checks of the lock by the leader, and attempts by the
	 * others
	 * @param busyWait time to wait after leadership was lost or yielded
	 * @param autoStartup whether to start with the application
	 * @param events where to publish the leader events
	 */
	public LeaderElections(FencedLockRegistry registry, Collection<Candidate> candidates, Duration heartbeat,
			Duration busyWait, boolean autoStartup, ApplicationEventPublisher events) {
		if (heartbeat.toMillis() < 1 || busyWait.isNegative()) {
			throw new IllegalArgumentException(
					"The heartbeat must be at least 1 ms and the busy wait not negative, got " + heartbeat + " and "
							+ busyWait);
		}
		this.registry = registry;
		this.autoStartup = autoStartup;
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor();
		executor.setThreadFactory(this::electionThread);
		LockRegistry<FencedLock> leaderLocks = (key) -> registry.obtain(lockName((String) key));
		for (Candidate candidate : candidates) {
			String role = candidate.getRole();
			if (this.initiators.containsKey(role)) {
				throw new IllegalStateException("Two candidates take part in the election of role '" + role
						+ "'; give each role one candidate");
			}
			FencedCandidate fenced = new FencedCandidate(candidate, lockName(role));
			LockRegistryLeaderInitiator initiator = new LockRegistryLeaderInitiator(leaderLocks, fenced);
			initiator.setHeartBeatMillis(heartbeat.toMillis());
			initiator.setBusyWaitMillis(busyWait.toMillis());
			initiator.setAutoStartup(false);
			initiator.setTaskExecutor(executor);
			initiator.setLeaderEventPublisher(new FencedPublisher(events, role));
			this.initiators.put(role, initiator);
			this.candidates.put(role, fenced);
		}
	}

	private Thread electionThread(Runnable task) {
		Thread thread = new Thread(() -> {
			try {
				task.run();
			}
			finally {
				this.electionThreads.remove(Thread.currentThread());
			}
		}, "phanes-leader-election");
		thread.setDaemon(true);
		this.electionThreads.add(thread);
		return thread;
	}

	private static String lockName(String role) {
		return DefaultFencedLockRegistry.checkName(LOCK_PREFIX + role);
	}

	/**
	 * Return the roles this application takes part in the election of.
	 * @return the roles
	 */
	public List<String> roles() {
		return new ArrayList<>(this.initiators.keySet());
	}

	/**
	 * Return whether this application leads a role.
	 * @param role the role
	 * @return whether it leads
	 */
	public boolean isLeader(String role) {
		LockRegistryLeaderInitiator initiator = this.initiators.get(role);
		return initiator != null && initiator.getContext().isLeader();
	}

	/**
	 * Return the context of this application's leadership of a role.
	 * @param role the role
	 * @return the context, or empty when it does not lead
	 */
	public Optional<FencedLeaderContext> leadership(String role) {
		FencedCandidate candidate = this.candidates.get(role);
		FencedLeaderContext context = (candidate != null) ? candidate.current : null;
		return (context != null && context.isLeader()) ? Optional.of(context) : Optional.empty();
	}

	/**
	 * Ask the backend who leads a role, whether this application takes part or not.
	 * @param role the role
	 * @return the holder id of the leading process, or empty while nobody leads
	 */
	public Optional<String> leader(String role) {
		return this.registry.holder(lockName(role));
	}

	/**
	 * Give up the leadership of a role, if this application has it; the election goes on.
	 * @param role the role
	 */
	public void yieldLeadership(String role) {
		LockRegistryLeaderInitiator initiator = this.initiators.get(role);
		if (initiator != null) {
			initiator.getContext().yield();
		}
	}

	@Override
	public void start() {
		this.initiators.values().forEach(LockRegistryLeaderInitiator::start);
		this.running = true;
	}

	/**
	 * Stop the elections: each leader releases its lock and is revoked (its candidate and
	 * the {@link OnRevokedEvent} are told) before this returns, or {@link #STOP_WAIT} has
	 * passed.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.initiators.values().forEach(LockRegistryLeaderInitiator::stop);
		long deadline = System.nanoTime() + STOP_WAIT.toNanos();
		boolean interrupted = false;
		for (Thread thread : List.copyOf(this.electionThreads)) {
			try {
				thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
			if (thread.isAlive()) {
				logger.warn("Leader election thread did not end within " + STOP_WAIT
						+ "; its lock is freed when the registry closes");
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	/**
	 * Leader elections start after the web server, once the application can serve, and
	 * stop before it.
	 */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 512;
	}

	/**
	 * Publishes the initiator's events with a {@link FencedLeaderContext}. Called on the
	 * initiator's thread, which holds the role's lock when leadership is granted.
	 */
	private final class FencedPublisher implements LeaderEventPublisher {

		private final ApplicationEventPublisher events;

		private final String role;

		FencedPublisher(ApplicationEventPublisher events, String role) {
			this.events = events;
			this.role = role;
		}

		@Override
		public void publishOnGranted(Object source, Context context, String role) {
			this.events.publishEvent(new OnGrantedEvent(source, candidate().fenced(context), role));
		}

		@Override
		public void publishOnRevoked(Object source, Context context, String role) {
			FencedLeaderContext last = candidate().last;
			this.events.publishEvent(new OnRevokedEvent(source, (last != null) ? last : context, role));
		}

		private FencedCandidate candidate() {
			return Objects.requireNonNull(LeaderElections.this.candidates.get(this.role));
		}

		@Override
		public void publishOnFailedToAcquire(Object source, Context context, String role) {
			this.events.publishEvent(new OnFailedToAcquireMutexEvent(source, context, role));
		}

	}

	/**
	 * A candidate given the {@link FencedLeaderContext} of each leadership instead of the
	 * initiator's context. The initiator tells the candidate before it publishes, on its
	 * thread, which holds the role's lock when leadership is granted.
	 */
	private final class FencedCandidate implements Candidate {

		private final Candidate delegate;

		private final String lockName;

		/** The leadership going on, or {@code null}. */
		volatile @Nullable FencedLeaderContext current;

		/** The leadership last revoked, or {@code null}. */
		volatile @Nullable FencedLeaderContext last;

		FencedCandidate(Candidate delegate, String lockName) {
			this.delegate = delegate;
			this.lockName = lockName;
		}

		@Override
		public String getRole() {
			return this.delegate.getRole();
		}

		@Override
		public String getId() {
			return this.delegate.getId();
		}

		@Override
		public void onGranted(Context context) throws InterruptedException {
			this.delegate.onGranted(fenced(context));
		}

		@Override
		public void onRevoked(Context context) {
			FencedLeaderContext ended = this.current;
			this.current = null;
			if (ended != null) {
				ended.end();
			}
			// null when the grant failed before a context was made: the event then
			// carries the initiator's context, never an earlier leadership's
			this.last = ended;
			this.delegate.onRevoked((ended != null) ? ended : context);
		}

		/**
		 * Return the context of the leadership going on, made on first use from the
		 * initiator's context and the token of the lock this thread holds.
		 */
		FencedLeaderContext fenced(Context context) {
			FencedLeaderContext fenced = this.current;
			if (fenced == null) {
				long token;
				try {
					token = LeaderElections.this.registry.obtain(this.lockName).fencingToken();
				}
				catch (LockLostException ex) {
					// lost as it was granted: the leadership is revoked at once, under
					// the
					// token it was granted with
					token = ex.getFencingToken();
				}
				fenced = new FencedLeaderContext(context, getRole(), this.lockName, token);
				this.current = fenced;
			}
			return fenced;
		}

	}

}
