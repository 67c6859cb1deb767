package dev.phanes.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
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
 * Integration's {@link OnGrantedEvent} and {@link OnRevokedEvent}, whose context is a
 * {@link FencedLeaderContext}, and through its {@link Candidate} beans; it asks who leads
 * and yields here.
 */
public final class LeaderElections implements SmartLifecycle {

	/**
	 * Prefix of the lock name of a role.
	 */
	public static final String LOCK_PREFIX = "leader/";

	private final FencedLockRegistry registry;

	private final Map<String, LockRegistryLeaderInitiator> initiators = new LinkedHashMap<>();

	private final Map<String, FencedLeaderContext> granted = new ConcurrentHashMap<>();

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
		this.registry = registry;
		this.autoStartup = autoStartup;
		LockRegistry<FencedLock> leaderLocks = (key) -> registry.obtain(lockName((String) key));
		for (Candidate candidate : candidates) {
			String role = candidate.getRole();
			if (this.initiators.containsKey(role)) {
				throw new IllegalStateException("Two candidates take part in the election of role '" + role
						+ "'; give each role one candidate");
			}
			lockName(role);
			LockRegistryLeaderInitiator initiator = new LockRegistryLeaderInitiator(leaderLocks, candidate);
			initiator.setHeartBeatMillis(heartbeat.toMillis());
			initiator.setBusyWaitMillis(busyWait.toMillis());
			initiator.setAutoStartup(false);
			initiator.setLeaderEventPublisher(new FencedPublisher(events, role));
			this.initiators.put(role, initiator);
		}
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
		FencedLeaderContext context = this.granted.get(role);
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

	@Override
	public void stop() {
		this.running = false;
		this.initiators.values().forEach(LockRegistryLeaderInitiator::stop);
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
			String name = lockName(this.role);
			FencedLeaderContext fenced = new FencedLeaderContext(context, this.role, name,
					LeaderElections.this.registry.obtain(name).fencingToken());
			LeaderElections.this.granted.put(this.role, fenced);
			this.events.publishEvent(new OnGrantedEvent(source, fenced, role));
		}

		@Override
		public void publishOnRevoked(Object source, Context context, String role) {
			FencedLeaderContext last = LeaderElections.this.granted.remove(this.role);
			this.events.publishEvent(new OnRevokedEvent(source, (last != null) ? last : context, role));
		}

		@Override
		public void publishOnFailedToAcquire(Object source, Context context, String role) {
			this.events.publishEvent(new OnFailedToAcquireMutexEvent(source, context, role));
		}

	}

}
