package dev.phanes.store;

/**
 * Which keys to read or list: a prefix and a suffix they must have, then an offset and a
 * limit applied to the matches in key order.
 *
 * @param prefix the prefix keys must start with, empty for any
 * @param suffix the suffix keys must end with, empty for any
 * @param limit the most matches to return, 0 for no limit
 * @param offset how many matches to skip
 */
public record Query(String prefix, String suffix, int limit, int offset) {

	private static final Query ALL = new Query("", "", 0, 0);

	/**
	 * Create a query.
	 * @param prefix the prefix, empty for any
	 * @param suffix the suffix, empty for any
	 * @param limit the most matches, 0 for no limit
	 * @param offset how many matches to skip
	 */
	public Query {
		if (prefix == null || suffix == null) {
			throw new InvalidQueryException("Prefix and suffix must not be null; use \"\" to match any key");
		}
		if (limit < 0 || offset < 0) {
			throw new InvalidQueryException(
					"Limit and offset must not be negative, got limit " + limit + " and offset " + offset);
		}
	}

	/**
	 * A query that matches every key.
	 * @return the query
	 */
	public static Query all() {
		return ALL;
	}

	/**
	 * A query for the keys starting with a prefix.
	 * @param prefix the prefix
	 * @return the query
	 */
	public static Query prefix(String prefix) {
		return new Query(prefix, "", 0, 0);
	}

	/**
	 * A query for the keys ending with a suffix.
	 * @param suffix the suffix
	 * @return the query
	 */
	public static Query suffix(String suffix) {
		return new Query("", suffix, 0, 0);
	}

	/**
	 * Return a copy of this query that also requires a suffix.
	 * @param suffix the suffix
	 * @return the copy
	 */
	public Query withSuffix(String suffix) {
		return new Query(this.prefix, suffix, this.limit, this.offset);
	}

	/**
	 * Return a copy of this query returning at most {@code limit} matches.
	 * @param limit the limit, 0 for none
	 * @return the copy
	 */
	public Query withLimit(int limit) {
		return new Query(this.prefix, this.suffix, limit, this.offset);
	}

	/**
	 * Return a copy of this query skipping the first {@code offset} matches.
	 * @param offset the offset
	 * @return the copy
	 */
	public Query withOffset(int offset) {
		return new Query(this.prefix, this.suffix, this.limit, offset);
	}

	/**
	 * Whether a key matches the prefix and the suffix of this query.
	 * @param key the key
	 * @return whether it matches
	 */
	public boolean matches(String key) {
		return key.startsWith(this.prefix) && key.endsWith(this.suffix);
	}

}
