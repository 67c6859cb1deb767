package dev.phanes.store.jpa;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

import dev.phanes.store.StoreAccessException;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.orm.jpa.persistenceunit.MutablePersistenceUnitInfo;

/**
 * The {@code phanes_store} table: the script that creates it, the check that it exists,
 * and the registration of its entity in the application's persistence unit.
 */
public final class JpaStoreSchema {

	/**
	 * Location of the SQL script creating the table, for PostgreSQL and CockroachDB.
	 */
	public static final String SCRIPT = "classpath:dev/phanes/store/jpa/schema-postgresql.sql";

	private JpaStoreSchema() {
	}

	/**
	 * Add {@link StoreRecordEntity} to a persistence unit, so the application's own
	 * entity scanning need not cover Phanes' package.
	 * @param unit the persistence unit
	 */
	public static void addEntity(MutablePersistenceUnitInfo unit) {
		unit.addManagedClassName(StoreRecordEntity.class.getName());
	}

	/**
	 * An initializer that runs {@link #SCRIPT} at start-up, before the
	 * EntityManagerFactory (Boot orders JPA after database initializers).
	 * @param dataSource the data source
	 * @return the initializer
	 */
	public static DataSourceScriptDatabaseInitializer initializer(DataSource dataSource) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(List.of(SCRIPT));
		settings.setMode(DatabaseInitializationMode.ALWAYS);
		settings.setContinueOnError(false);
		return new DataSourceScriptDatabaseInitializer(dataSource, settings);
	}

	/**
	 * Check that the table exists with every column the store uses.
	 * @param dataSource the data source
	 * @throws StoreAccessException if it does not
	 */
	public static void validate(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement
				.executeQuery("SELECT database_name, table_name, record_key, record_value, metadata, expires_at, "
						+ "version FROM phanes_store WHERE 1 = 0")
				.close();
			statement.executeQuery("SELECT lock_name, token FROM phanes_store_fence WHERE 1 = 0").close();
		}
		catch (SQLException ex) {
			throw new StoreAccessException("Table phanes_store or phanes_store_fence is missing or lacks columns ("
					+ ex.getMessage() + "); create it with " + SCRIPT + " or set phanes.store.jpa.schema=create", ex);
		}
	}

}
