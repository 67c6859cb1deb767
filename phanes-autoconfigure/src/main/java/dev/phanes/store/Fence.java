package dev.phanes.store;

/**
 * The fencing token of a lock that guards a write: the write lands only if no write
 * fenced by the same lock name with a higher token has landed before it. A holder that
 * lost its lock (paused past its lease while another process took the lock and wrote)
 * cannot overwrite its successor's data.
 * <p>
 * Tokens come from the Sync block's locks ({@code FencedLock.fencingToken()}) or from any
 * source whose tokens only grow for a name. The highest token each name has written with
 * is kept by the store's engine, beside the records.
 *
 * @param lockName the lock's name: non-blank, at most {@value #MAX_NAME_LENGTH}
 * characters
 * @param token the holder's token, positive
 */
public record Fence(String lockName, long token) {

	/**
	 * The longest lock name, in characters.
	 */
	public static final int MAX_NAME_LENGTH = 256;

	/**
	 * Create a fence.
	 * @param lockName the lock's name
	 * @param token the token
	 */
	public Fence {
		if (lockName == null || lockName.isBlank() || lockName.length() > MAX_NAME_LENGTH) {
			throw new InvalidRecordException("Fence lock name must be non-blank and at most " + MAX_NAME_LENGTH
					+ " characters, got " + ((lockName != null) ? lockName.length() + " characters" : "null"));
		}
		if (token < 1) {
			throw new InvalidRecordException("Fencing token must be positive, got " + token);
		}
	}

}
