package dev.phanes.sync;

import org.jspecify.annotations.Nullable;

import org.springframework.integration.leader.Context;

/**
 * The leadership {@link Context} of Phanes' elections, carried by Spring Integration's
 * {@code OnGrantedEvent} and {@code OnRevokedEvent}: besides the role and
 * {@link #yield()}, the fencing token of the leadership, to fence the leader's store
 * writes with ({@code WriteOptions.fenced(context.lockName(), context.fencingToken())}).
 */
public final class FencedLeaderContext implements Context {

	private final Context delegate;

	private final String role;

	private final String lockName;

	private final long fencingToken;

	private volatile boolean ended;

	FencedLeaderContext(Context delegate, String role, String lockName, long fencingToken) {
		this.delegate = delegate;
		this.role = role;
		this.lockName = lockName;
		this.fencingToken = fencingToken;
	}

	/**
	 * Return whether this leadership goes on: {@code false} once it was revoked, even if
	 * the application leads the role again (under a new context and token).
	 * @return whether it goes on
	 */
	@Override
	public boolean isLeader() {
		return !this.ended && this.delegate.isLeader();
	}

	/**
	 * Give up this leadership, if it goes on; a later leadership of the role is not
	 * affected.
	 */
	@Override
	public synchronized void yield() {
		// under the same monitor as end(): a yield that has begun finishes before this
		// leadership is revoked, so it never gives up a later one
		if (!this.ended) {
			this.delegate.yield();
		}
	}

	/**
	 * Mark this leadership revoked.
	 */
	synchronized void end() {
		this.ended = true;
	}

	@Override
	public @Nullable String getRole() {
		return this.role;
	}

	/**
	 * Return the name of the lock the leader holds.
	 * @return the name
	 */
	public String lockName() {
		return this.lockName;
	}

	/**
	 * Return the fencing token of this leadership: greater than those of every earlier
	 * leadership of the role.
	 * @return the token
	 */
	public long fencingToken() {
		return this.fencingToken;
	}

	@Override
	public String toString() {
		return "FencedLeaderContext[role=" + this.role + ", token=" + this.fencingToken + ", leader=" + isLeader()
				+ "]";
	}

}
