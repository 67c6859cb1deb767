package dev.phanes.store;

/**
 * Thrown by a fenced write whose token is lower than one its lock name has already
 * written with: the writer lost the lock to a successor, which has written since. Nothing
 * was written. Retrying with the same token cannot succeed; take the lock again.
 */
public class StaleFencingTokenException extends StoreException {

	private final String lockName;

	private final long token;

	private final long highestToken;

	/**
	 * Create an exception.
	 * @param key the key of the refused write
	 * @param lockName the fence's lock name
	 * @param token the refused token
	 * @param highestToken the highest token written with under that lock name
	 */
	public StaleFencingTokenException(String key, String lockName, long token, long highestToken) {
		super("Write of '" + key + "' refused: fencing token " + token + " of lock '" + lockName
				+ "' is stale, a holder with token " + highestToken
				+ " has written since; this writer lost the lock and must take it again");
		this.lockName = lockName;
		this.token = token;
		this.highestToken = highestToken;
	}

	/**
	 * Return the fence's lock name.
	 * @return the name
	 */
	public String getLockName() {
		return this.lockName;
	}

	/**
	 * Return the refused token.
	 * @return the token
	 */
	public long getToken() {
		return this.token;
	}

	/**
	 * Return the highest token written with under the lock name.
	 * @return the token
	 */
	public long getHighestToken() {
		return this.highestToken;
	}

}
