package dev.phanes.sync;

import org.springframework.integration.support.locks.DistributedLock;

/**
 * A {@link DistributedLock} whose every acquisition carries a fencing token: a number
 * that only grows for the lock's name, so a store can refuse the writes of a holder that
 * lost the lock (paused past its lease) once its successor has written.
 * <p>
 * A lock belongs to the thread that took it and is re-entrant; a re-entrant acquisition
 * keeps the token of the outermost one. A lock is lost when its lease ends (the process
 * stopped keeping it alive, the backend expired it): {@link #isHeld()} then answers
 * {@code false} at once, {@link #fencingToken()} and {@link #unlock()} throw
 * {@link LockLostException}, and the next {@code tryLock} of the thread that held it
 * answers {@code false} before later calls try to acquire it afresh.
 */
public interface FencedLock extends DistributedLock {

	/**
	 * Return the name of this lock.
	 * @return the name
	 */
	String name();

	/**
	 * Return the fencing token of the current thread's hold.
	 * @return the token, greater than that of every earlier acquisition of this name
	 * @throws IllegalMonitorStateException if the current thread does not hold the lock
	 * @throws LockLostException if the hold was lost
	 */
	long fencingToken();

	/**
	 * Return whether the current thread holds this lock and its lease is alive.
	 * @return whether it is held
	 */
	boolean isHeld();

}
