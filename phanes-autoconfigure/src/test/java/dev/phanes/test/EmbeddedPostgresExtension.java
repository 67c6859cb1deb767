package dev.phanes.test;

import java.io.IOException;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one real PostgreSQL server (zonky's embedded binaries) for the whole test run
 * and stops it when the run ends; injects it as a {@link Server} parameter.
 */
public final class EmbeddedPostgresExtension implements BeforeAllCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(EmbeddedPostgresExtension.class);

	@Override
	public void beforeAll(ExtensionContext context) {
		server(context);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == Server.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return server(extensionContext);
	}

	/**
	 * The server of this test run, started on first use.
	 * @param context any extension context of the run
	 * @return the server
	 */
	public static Server server(ExtensionContext context) {
		return context.getRoot()
			.getStore(NAMESPACE)
			.computeIfAbsent(Server.class, (type) -> new Server(), Server.class);
	}

	/**
	 * A running PostgreSQL server.
	 */
	public static final class Server implements AutoCloseable {

		private final EmbeddedPostgres postgres;

		Server() {
			try {
				this.postgres = EmbeddedPostgres.builder().start();
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot start embedded PostgreSQL", ex);
			}
		}

		/**
		 * JDBC URL of the {@code postgres} database.
		 * @return the URL
		 */
		public String jdbcUrl() {
			return this.postgres.getJdbcUrl("postgres", "postgres");
		}

		/**
		 * A data source on the {@code postgres} database.
		 * @return the data source
		 */
		public DataSource dataSource() {
			return this.postgres.getPostgresDatabase();
		}

		@Override
		public void close() throws IOException {
			this.postgres.close();
		}

	}

}
