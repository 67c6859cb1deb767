package dev.phanes.sync;

import java.time.Duration;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The backend of a {@link DefaultFencedLockRegistry}: takes, keeps alive and releases
 * locks between processes, and numbers each acquisition with a fencing token. The
 * registry keeps the threads of its process apart (at most one of them asks the engine
 * for a name at a time) and handles re-entrancy; an engine deals with other processes
 * only.
 * <p>
 * Implement it to put the locks on another backend; the memory, JDBC and etcd engines are
 * the ones Phanes ships.
 */
public interface LockEngine extends AutoCloseable {

	/**
	 * Return the name of the backend, for metrics and the actuator endpoint.
	 * @return the name
	 */
	String backend();

	/**
	 * Return the id this process holds locks under.
	 * @return the id
	 */
	String holderId();

	/**
	 * Take a lock, waiting for another process to release it or for its lease to end.
	 * @param name the lock's name
	 * @param wait how long to wait: {@code null} for as long as it takes, zero for one
	 * attempt
	 * @param ttl how long the lock outlives this process once it stops keeping it alive
	 * @param onLoss told, at most once, when the lease ends before the lock is released;
	 * never once {@link #release} has begun (a loss decided before may still be being
	 * told when release returns {@code false})
	 * @return the lease of the acquisition, or {@code null} if the wait ran out
	 * @throws InterruptedException if the thread was interrupted while waiting
	 * @throws org.springframework.dao.CannotAcquireLockException if the backend failed
	 */
	@Nullable Lease acquire(String name, @Nullable Duration wait, Duration ttl, LossListener onLoss) throws InterruptedException;

	/**
	 * Release a lock; also called, best effort, for a lease already reported lost.
	 * @param name the lock's name
	 * @param lease the lease its acquisition returned
	 * @return whether the backend still held it for this process (otherwise it had been
	 * lost)
	 */
	boolean release(String name, Lease lease);

	/**
	 * Ask the backend which process holds a lock.
	 * @param name the lock's name
	 * @return the holder id of the process that holds it, or empty
	 */
	Optional<String> holder(String name);

	/**
	 * Release what the engine holds and stop keeping leases alive. May be called more
	 * than once (the registry closes its engine, and so may the context that made it);
	 * calls after the first do nothing.
	 */
	@Override
	default void close() {
	}

	/**
	 * One acquisition of a lock.
	 */
	interface Lease {

		/**
		 * Return the fencing token of the acquisition.
		 * @return the token, greater than those of all earlier acquisitions of the name
		 */
		long token();

	}

	/**
	 * Told when a lease ends before its lock is released.
	 */
	@FunctionalInterface
	interface LossListener {

		/**
		 * The lease ended.
		 * @param reason why, for example {@code lease-expired}
		 */
		void lost(String reason);

	}

}
