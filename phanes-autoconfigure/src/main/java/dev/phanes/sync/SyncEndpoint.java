package dev.phanes.sync;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code sync} Actuator endpoint: the locks this instance holds and, for each
 * election it takes part in, who leads.
 */
@Endpoint(id = "sync")
public class SyncEndpoint {

	private final FencedLockRegistry registry;

	private final @Nullable LeaderElections elections;

	/**
	 * Create the endpoint.
	 * @param registry the locks
	 * @param elections the elections, if any
	 */
	public SyncEndpoint(FencedLockRegistry registry, @Nullable LeaderElections elections) {
		this.registry = registry;
		this.elections = elections;
	}

	/**
	 * The locks held here and the elections.
	 * @return them
	 */
	@ReadOperation
	public SyncDescriptor sync() {
		List<ElectionDescriptor> elections = new ArrayList<>();
		if (this.elections != null) {
			for (String role : this.elections.roles()) {
				FencedLeaderContext leadership = this.elections.leadership(role).orElse(null);
				elections.add(new ElectionDescriptor(role, LeaderElections.LOCK_PREFIX + role,
						this.elections.leader(role).orElse(null), leadership != null,
						(leadership != null) ? leadership.fencingToken() : null));
			}
		}
		return new SyncDescriptor(this.registry.backend(), this.registry.holderId(), this.registry.heldLocks(),
				elections);
	}

	/**
	 * What the endpoint answers.
	 *
	 * @param backend the locks' backend
	 * @param holderId the id this instance holds locks under
	 * @param locks the locks its threads hold
	 * @param elections the elections it takes part in
	 */
	public record SyncDescriptor(String backend, String holderId, List<HeldLock> locks,
			List<ElectionDescriptor> elections) {

	}

	/**
	 * One election.
	 *
	 * @param role the role
	 * @param lockName the lock its leader holds
	 * @param leader the holder id of the leading instance, or {@code null} while nobody
	 * leads
	 * @param leading whether this instance leads
	 * @param fencingToken the token of this instance's leadership, or {@code null}
	 */
	public record ElectionDescriptor(String role, String lockName, @Nullable String leader, boolean leading,
			@Nullable Long fencingToken) {

	}

}
