package dev.phanes.sync;

import java.util.List;
import java.util.Optional;

import org.springframework.integration.support.locks.LockRegistry;

/**
 * A {@link LockRegistry} of {@link FencedLock fenced locks}, which can say who holds a
 * lock and which locks this process holds.
 */
public interface FencedLockRegistry extends LockRegistry<FencedLock> {

	/**
	 * The longest lock name, in characters.
	 */
	int MAX_NAME_LENGTH = 256;

	/**
	 * Obtain the lock of a name.
	 * @param lockKey the name, a non-blank {@link String} of at most
	 * {@value #MAX_NAME_LENGTH} characters without control characters
	 * @return the lock
	 * @throws IllegalArgumentException if the name is not valid
	 */
	@Override
	FencedLock obtain(Object lockKey);

	/**
	 * Return the name of the backend: {@code memory}, {@code jdbc} or {@code etcd}.
	 * @return the backend
	 */
	String backend();

	/**
	 * Return the id this process holds locks under in the backend.
	 * @return the id
	 */
	String holderId();

	/**
	 * Ask the backend which process holds a lock.
	 * @param name the lock's name
	 * @return the {@link #holderId() holder id} of the process holding it, or empty when
	 * it is free
	 */
	Optional<String> holder(String name);

	/**
	 * Return the locks the threads of this process hold now.
	 * @return them, by name
	 */
	List<HeldLock> heldLocks();

}
