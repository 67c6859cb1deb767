package dev.phanes.sync.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * A data source that can be cut off from its database: new connections then go to a
 * closed port on this host and are refused, as when the database is unreachable.
 */
final class SwitchableDataSource extends AbstractDataSource {

	private final DataSource database;

	private final DataSource unreachable;

	private volatile boolean cut;

	SwitchableDataSource(DataSource database) {
		this.database = database;
		PGSimpleDataSource closed = new PGSimpleDataSource();
		closed.setServerNames(new String[] { "127.0.0.1" });
		closed.setPortNumbers(new int[] { closedPort() });
		closed.setDatabaseName("postgres");
		closed.setUser("postgres");
		closed.setConnectTimeout(5);
		this.unreachable = closed;
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	void cut() {
		this.cut = true;
	}

	void restore() {
		this.cut = false;
	}

	private DataSource target() {
		return this.cut ? this.unreachable : this.database;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return target().getConnection();
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return target().getConnection(username, password);
	}

}
