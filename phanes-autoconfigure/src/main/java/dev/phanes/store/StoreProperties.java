package dev.phanes.store;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of the Phanes store.
 */
@ConfigurationProperties("phanes.store")
public class StoreProperties implements Validator {

	/**
	 * Whether to auto-configure a Store.
	 */
	private boolean enabled = true;

	/**
	 * Backend of the store.
	 */
	private Type type = Type.MEMORY;

	/**
	 * Database the Store bean reads and writes; other databases are reached with
	 * Store.database(name).
	 */
	private String database = "phanes";

	/**
	 * Table the Store bean reads and writes; other tables are reached with
	 * Store.table(name).
	 */
	private String table = "default";

	/**
	 * Largest value accepted by a write; larger ones fail with ValueTooLargeException.
	 */
	private DataSize maxValueSize = DataSize.ofMegabytes(1);

	/**
	 * How often expired records are removed from the backend. Expired records are never
	 * read, whether removed yet or not.
	 */
	private Duration purgeInterval = Duration.ofMinutes(1);

	private final File file = new File();

	private final Jpa jpa = new Jpa();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Type getType() {
		return this.type;
	}

	public void setType(Type type) {
		this.type = type;
	}

	public String getDatabase() {
		return this.database;
	}

	public void setDatabase(String database) {
		this.database = database;
	}

	public String getTable() {
		return this.table;
	}

	public void setTable(String table) {
		this.table = table;
	}

	public DataSize getMaxValueSize() {
		return this.maxValueSize;
	}

	public void setMaxValueSize(DataSize maxValueSize) {
		this.maxValueSize = maxValueSize;
	}

	public Duration getPurgeInterval() {
		return this.purgeInterval;
	}

	public void setPurgeInterval(Duration purgeInterval) {
		this.purgeInterval = purgeInterval;
	}

	public File getFile() {
		return this.file;
	}

	public Jpa getJpa() {
		return this.jpa;
	}

	/**
	 * Backends of the store.
	 */
	public enum Type {

		/**
		 * In memory, lost on restart.
		 */
		MEMORY,

		/**
		 * One SQLite file with fsync'd commits; needs org.xerial:sqlite-jdbc.
		 */
		FILE,

		/**
		 * The application's database through JPA (CockroachDB, PostgreSQL); needs
		 * spring-boot-starter-data-jpa and org.postgresql:postgresql.
		 */
		JPA

	}

	@Override
	public boolean supports(Class<?> type) {
		return StoreProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values at binding, so that an invalid one fails start-up naming the
	 * property, its value and what it must be.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		if (this.jpa.getRetry().getMaxAttempts() < 1) {
			errors.rejectValue("jpa.retry.maxAttempts", "invalid", "must be at least 1");
		}
		if (this.jpa.getRetry().getInitialBackoff().isNegative()) {
			errors.rejectValue("jpa.retry.initialBackoff", "invalid", "must not be negative");
		}
		if (this.jpa.getRetry().getMaxBackoff().isNegative()) {
			errors.rejectValue("jpa.retry.maxBackoff", "invalid", "must not be negative");
		}
	}

	/**
	 * Configuration of the file backend.
	 */
	public static class File {

		/**
		 * Path of the SQLite file holding the store; parent directories are created.
		 */
		private Path path = Path.of("data", "phanes-store.db");

		public Path getPath() {
			return this.path;
		}

		public void setPath(Path path) {
			this.path = path;
		}

	}

	/**
	 * Configuration of the JPA backend.
	 */
	public static class Jpa {

		/**
		 * What to do with the phanes_store table at start-up.
		 */
		private Schema schema = Schema.CREATE;

		/**
		 * Isolation level of the store's own transactions; DEFAULT keeps the database's
		 * (SERIALIZABLE on CockroachDB, READ COMMITTED on PostgreSQL).
		 */
		private Isolation isolation = Isolation.DEFAULT;

		private final Retry retry = new Retry();

		public Schema getSchema() {
			return this.schema;
		}

		public void setSchema(Schema schema) {
			this.schema = schema;
		}

		public Isolation getIsolation() {
			return this.isolation;
		}

		public void setIsolation(Isolation isolation) {
			this.isolation = isolation;
		}

		public Retry getRetry() {
			return this.retry;
		}

		/**
		 * What to do with the table at start-up.
		 */
		public enum Schema {

			/**
			 * Create the table and its index if missing (CREATE ... IF NOT EXISTS).
			 */
			CREATE,

			/**
			 * Check that the table exists with its columns; fail start-up if not.
			 */
			VALIDATE,

			/**
			 * Leave the schema alone.
			 */
			NONE

		}

		/**
		 * Transaction isolation levels, as JDBC numbers them.
		 */
		public enum Isolation {

			/**
			 * The database's default.
			 */
			DEFAULT(-1),

			/**
			 * READ COMMITTED.
			 */
			READ_COMMITTED(2),

			/**
			 * REPEATABLE READ.
			 */
			REPEATABLE_READ(4),

			/**
			 * SERIALIZABLE.
			 */
			SERIALIZABLE(8);

			private final int level;

			Isolation(int level) {
				this.level = level;
			}

			/**
			 * The level as JDBC and Spring's TransactionDefinition number it.
			 * @return the level
			 */
			public int level() {
				return this.level;
			}

		}

		/**
		 * Retries of transactions that failed to serialize.
		 */
		public static class Retry {

			/**
			 * Most attempts of one operation, the first included.
			 */
			private int maxAttempts = 10;

			/**
			 * Pause before the first retry; it doubles with each retry, with jitter.
			 */
			private Duration initialBackoff = Duration.ofMillis(10);

			/**
			 * Longest pause between two attempts.
			 */
			private Duration maxBackoff = Duration.ofSeconds(1);

			public int getMaxAttempts() {
				return this.maxAttempts;
			}

			public void setMaxAttempts(int maxAttempts) {
				this.maxAttempts = maxAttempts;
			}

			public Duration getInitialBackoff() {
				return this.initialBackoff;
			}

			public void setInitialBackoff(Duration initialBackoff) {
				this.initialBackoff = initialBackoff;
			}

			public Duration getMaxBackoff() {
				return this.maxBackoff;
			}

			public void setMaxBackoff(Duration maxBackoff) {
				this.maxBackoff = maxBackoff;
			}

		}

	}

}
