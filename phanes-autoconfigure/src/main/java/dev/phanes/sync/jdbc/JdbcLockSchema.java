package dev.phanes.sync.jdbc;

import java.util.List;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The two tables of the JDBC engine and the statements on them: Spring Integration's
 * {@code <prefix>LOCK} and the fencing tokens in {@code <prefix>LOCK_TOKEN}, for
 * PostgreSQL and CockroachDB.
 * <p>
 * The repository's statements keep {@code %1$s} for the prefix, which
 * {@code DefaultLockRepository.afterPropertiesSet()} fills in with
 * {@code String.format(query, prefix)}; the engine's own statements have it filled in
 * here.
 */
final class JdbcLockSchema {

	/**
	 * The property that makes the engine create its tables.
	 */
	static final String INITIALIZE_PROPERTY = "phanes.sync.jdbc.initialize-schema";

	private static final Log logger = LogFactory.getLog(JdbcLockSchema.class);

	private static final Pattern PREFIX = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*");

	/**
	 * Spring's update of an expired or own lock row, which now also counts the name's
	 * token up in the same statement; its parameters are the original's, in the same
	 * order. Its update count is that of the token upsert: one row exactly when the lock
	 * row was written.
	 */
	static final String UPDATE_QUERY = """
			WITH HELD AS (
				UPDATE %1$sLOCK
				SET CLIENT_ID=?, EXPIRED_AFTER=?
				WHERE REGION=? AND LOCK_KEY=? AND (CLIENT_ID=? OR EXPIRED_AFTER<?)
				RETURNING REGION, LOCK_KEY)
			INSERT INTO %1$sLOCK_TOKEN AS T (REGION, LOCK_KEY, TOKEN)
			SELECT REGION, LOCK_KEY, 1 FROM HELD
			ON CONFLICT (LOCK_KEY, REGION) DO UPDATE SET TOKEN = T.TOKEN + 1
			""";

	/**
	 * Spring's insert of a new lock row, which now also counts the name's token up in the
	 * same statement; its parameters are the original's, in the same order. A row that
	 * another client inserted first makes it write nothing (Spring's documented
	 * {@code ON CONFLICT DO NOTHING} for PostgreSQL), so its update count is 0.
	 */
	static final String INSERT_QUERY = """
			WITH HELD AS (
				INSERT INTO %1$sLOCK (REGION, LOCK_KEY, CLIENT_ID, CREATED_DATE, EXPIRED_AFTER)
				VALUES (?, ?, ?, ?, ?)
				ON CONFLICT DO NOTHING
				RETURNING REGION, LOCK_KEY)
			INSERT INTO %1$sLOCK_TOKEN AS T (REGION, LOCK_KEY, TOKEN)
			SELECT REGION, LOCK_KEY, 1 FROM HELD
			ON CONFLICT (LOCK_KEY, REGION) DO UPDATE SET TOKEN = T.TOKEN + 1
			""";

	private final String prefix;

	JdbcLockSchema(String prefix) {
		if (!PREFIX.matcher(prefix).matches()) {
			throw new IllegalArgumentException(
					"Table prefix must be an SQL identifier, optionally schema-qualified (like INT_ or locks.INT_), "
							+ "got '" + prefix + "'");
		}
		this.prefix = prefix;
	}

	String lockTable() {
		return this.prefix + "LOCK";
	}

	String tokenTable() {
		return this.prefix + "LOCK_TOKEN";
	}

	String holderQuery() {
		return "SELECT CLIENT_ID FROM " + lockTable() + " WHERE REGION = ? AND LOCK_KEY = ? AND EXPIRED_AFTER >= ?";
	}

	String liveCountQuery() {
		return "SELECT COUNT(*) FROM " + lockTable() + " WHERE REGION = ? AND EXPIRED_AFTER >= ?";
	}

	/**
	 * The DDL of both tables; {@code <prefix>LOCK} as in Spring Integration's
	 * {@code schema-postgresql.sql}.
	 */
	List<String> createStatements() {
		String constraint = this.prefix.substring(this.prefix.indexOf('.') + 1);
		return List.of(
				"CREATE TABLE IF NOT EXISTS " + lockTable() + " (LOCK_KEY CHAR(36) NOT NULL, "
						+ "REGION VARCHAR(100) NOT NULL, CLIENT_ID CHAR(36), CREATED_DATE TIMESTAMP NOT NULL, "
						+ "EXPIRED_AFTER TIMESTAMP NOT NULL, CONSTRAINT " + constraint
						+ "LOCK_PK PRIMARY KEY (LOCK_KEY, REGION))",
				"CREATE TABLE IF NOT EXISTS " + tokenTable() + " (LOCK_KEY CHAR(36) NOT NULL, "
						+ "REGION VARCHAR(100) NOT NULL, TOKEN BIGINT NOT NULL, CONSTRAINT " + constraint
						+ "LOCK_TOKEN_PK PRIMARY KEY (LOCK_KEY, REGION))");
	}

	/**
	 * Create the tables that are missing.
	 * @param jdbc the database
	 */
	void create(JdbcTemplate jdbc) {
		for (String statement : createStatements()) {
			try {
				jdbc.execute(statement);
			}
			catch (DataAccessException ex) {
				// Two processes creating the table at once: one of them fails on
				// PostgreSQL's
				// catalog; the check that follows tells whether the table is there.
				logger.debug("Could not run " + statement + "; checking whether the table exists", ex);
			}
		}
	}

	/**
	 * Check that both tables exist with every column the engine uses.
	 * @param jdbc the database
	 * @throws IllegalStateException if one does not
	 */
	void validate(JdbcTemplate jdbc) {
		check(jdbc, lockTable(), "REGION, LOCK_KEY, CLIENT_ID, CREATED_DATE, EXPIRED_AFTER");
		check(jdbc, tokenTable(), "REGION, LOCK_KEY, TOKEN");
	}

	private void check(JdbcTemplate jdbc, String table, String columns) {
		try {
			jdbc.queryForList("SELECT " + columns + " FROM " + table + " WHERE 1 = 0");
		}
		catch (BadSqlGrammarException ex) {
			throw new IllegalStateException("Table " + table + " of the JDBC locks is missing or lacks columns ("
					+ ex.getSQLException().getMessage() + "); create it with the DDL in the javadoc of "
					+ JdbcLockEngine.class.getName() + " or set " + INITIALIZE_PROPERTY + "=true", ex);
		}
	}

}
