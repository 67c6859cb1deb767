package dev.phanes.sync;

import org.springframework.context.ApplicationEvent;

/**
 * Published when a lock held by this process is lost: its lease ended before its holder
 * released it.
 */
public class LockLostEvent extends ApplicationEvent {

	private final String name;

	private final long fencingToken;

	private final String reason;

	/**
	 * Create an event.
	 * @param source the registry that held the lock
	 * @param name the lock's name
	 * @param fencingToken the token of the lost hold
	 * @param reason why it was lost
	 */
	public LockLostEvent(Object source, String name, long fencingToken, String reason) {
		super(source);
		this.name = name;
		this.fencingToken = fencingToken;
		this.reason = reason;
	}

	/**
	 * Return the lock's name.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Return the fencing token of the lost hold.
	 * @return the token
	 */
	public long getFencingToken() {
		return this.fencingToken;
	}

	/**
	 * Return why the lock was lost, for example {@code lease-expired}.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	@Override
	public String toString() {
		return "LockLostEvent[" + this.name + ", token " + this.fencingToken + ", " + this.reason + "]";
	}

}
