package dev.phanes.store.file;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * A connection to the SQLite file with the statements prepared on it, kept for reuse:
 * sqlite-jdbc has no statement cache of its own. Used by one thread at a time, as
 * {@link SqliteSessions} hands it out.
 */
final class SqliteSession {

	private final Connection connection;

	private final Map<String, PreparedStatement> statements = new HashMap<>();

	SqliteSession(Connection connection) {
		this.connection = connection;
	}

	Connection connection() {
		return this.connection;
	}

	/**
	 * The statement for some SQL, prepared on first use and kept open for reuse.
	 */
	PreparedStatement prepare(String sql) throws SQLException {
		PreparedStatement statement = this.statements.get(sql);
		if (statement == null) {
			statement = this.connection.prepareStatement(sql);
			this.statements.put(sql, statement);
		}
		return statement;
	}

	/**
	 * Close the statements, then the connection.
	 */
	void close() throws SQLException {
		try {
			for (PreparedStatement statement : this.statements.values()) {
				statement.close();
			}
		}
		finally {
			this.connection.close();
		}
	}

}
