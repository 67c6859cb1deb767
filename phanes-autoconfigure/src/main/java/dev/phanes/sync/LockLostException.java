package dev.phanes.sync;

import java.util.ConcurrentModificationException;

/**
 * Thrown to the holder of a {@link FencedLock} that was lost: its lease ended before the
 * holder released it, so another process may hold it now and data the lock protects may
 * have been changed by that process. Like Spring Integration's JDBC lock, this is a
 * {@link ConcurrentModificationException}.
 */
public class LockLostException extends ConcurrentModificationException {

	private final String name;

	private final long fencingToken;

	/**
	 * Create an exception.
	 * @param name the lock's name
	 * @param fencingToken the token of the lost hold
	 * @param reason why it was lost
	 */
	public LockLostException(String name, long fencingToken, String reason) {
		super("Lock '" + name + "' (fencing token " + fencingToken + ") was lost (" + reason
				+ ") before it was released: another process may hold it, and data it protects may have been "
				+ "changed; writes fenced with this token are refused once the next holder has written");
		this.name = name;
		this.fencingToken = fencingToken;
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

}
