package dev.phanes.sync.jdbc;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.phanes.sync.LockEngine;
import dev.phanes.sync.jdbc.JdbcLeaseKeeper.JdbcLease;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.util.UUIDConverter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.TransactionTimedOutException;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Locks in a database table, on Spring Integration's JDBC lock protocol: its
 * {@link DefaultLockRepository} takes, renews and deletes the rows of
 * {@code <prefix>LOCK} under this engine's client id, in REQUIRES_NEW transactions (READ
 * COMMITTED for an acquisition). The engine adds the fencing token: a second table,
 * {@code <prefix>LOCK_TOKEN}, whose row for a name is counted up by the same statement
 * that writes the lock row (the repository's update and insert queries are replaced by
 * data-modifying CTEs with the original parameters), and is never deleted, so a name's
 * token only grows. The engine runs the repository's acquisition itself, with those
 * statements returning the token, so the token costs no extra round trip; renewal,
 * release and clean-up are the repository's. For PostgreSQL and CockroachDB.
 * <p>
 * An acquisition polls every {@code idleBetweenTries}, retrying transient failures as
 * Spring's {@code JdbcLockRegistry} does. While a lock is held its row is renewed every
 * third of its TTL; its holder is told of the loss ({@code taken-over} when another
 * client has the row, {@code lease-expired} when the row is gone or could not be renewed
 * before the TTL passed, as measured here since the last successful acquisition or
 * renewal). Expiry compares timestamps of the clients' clocks, as Spring's protocol does,
 * so the clocks of the processes sharing the table must agree to well within a TTL.
 * <p>
 * The tables, which {@link Settings#initializeSchema()} creates if missing:
 * <pre class="code">
 * CREATE TABLE INT_LOCK (LOCK_KEY CHAR(36) NOT NULL, REGION VARCHAR(100) NOT NULL,
 *     CLIENT_ID CHAR(36), CREATED_DATE TIMESTAMP NOT NULL, EXPIRED_AFTER TIMESTAMP NOT NULL,
 *     CONSTRAINT INT_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION));
 * CREATE TABLE INT_LOCK_TOKEN (LOCK_KEY CHAR(36) NOT NULL, REGION VARCHAR(100) NOT NULL,
 *     TOKEN BIGINT NOT NULL, CONSTRAINT INT_LOCK_TOKEN_PK PRIMARY KEY (LOCK_KEY, REGION));
 * </pre> One engine serves one {@link dev.phanes.sync.DefaultFencedLockRegistry}: the
 * client id is the engine's, so two registries on one engine would be one holder.
 * Thread-safe.
 */
public final class JdbcLockEngine implements LockEngine {

	private static final Log logger = LogFactory.getLog(JdbcLockEngine.class);

	private final String clientId = UUID.randomUUID().toString();

	private final Settings settings;

	private final JdbcLockSchema schema;

	private final DefaultLockRepository repository;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate reads;

	private final TransactionTemplate acquisitions;

	private final String takeUpdate;

	private final String takeInsert;

	private final JdbcLeaseKeeper keeper;

	private final AtomicBoolean closed = new AtomicBoolean();

	/**
	 * Create an engine with the {@link Settings#DEFAULTS default settings}.
	 * @param dataSource the database
	 * @param transactionManager a transaction manager of that database
	 */
	public JdbcLockEngine(DataSource dataSource, PlatformTransactionManager transactionManager) {
		this(dataSource, transactionManager, Settings.DEFAULTS);
	}

	/**
	 * Create an engine, creating its tables first if the settings say so.
	 * @param dataSource the database
	 * @param transactionManager a transaction manager of that database
	 * @param settings the settings
	 * @throws IllegalStateException if a table is missing
	 */
	public JdbcLockEngine(DataSource dataSource, PlatformTransactionManager transactionManager, Settings settings) {
		this.settings = settings;
		this.schema = new JdbcLockSchema(settings.tablePrefix());
		this.jdbc = new JdbcTemplate(dataSource);
		if (settings.initializeSchema()) {
			this.schema.create(this.jdbc);
		}
		this.schema.validate(this.jdbc);
		this.repository = new DefaultLockRepository(dataSource, this.clientId);
		this.repository.setPrefix(settings.tablePrefix());
		this.repository.setRegion(settings.region());
		this.repository.setUpdateQuery(JdbcLockSchema.UPDATE_QUERY);
		this.repository.setInsertQuery(JdbcLockSchema.INSERT_QUERY);
		this.repository.setTransactionManager(transactionManager);
		// outside an application context: the lifecycle a context would run, but start(),
		// whose table check validate() did
		this.repository.afterPropertiesSet();
		this.repository.afterSingletonsInstantiated();
		DefaultTransactionDefinition read = new DefaultTransactionDefinition(
				TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		read.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
		read.setReadOnly(true);
		this.reads = new TransactionTemplate(transactionManager, read);
		DefaultTransactionDefinition take = new DefaultTransactionDefinition(
				TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		take.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
		this.acquisitions = new TransactionTemplate(transactionManager, take);
		this.takeUpdate = String.format(JdbcLockSchema.UPDATE_QUERY, settings.tablePrefix()) + "RETURNING TOKEN";
		this.takeInsert = String.format(JdbcLockSchema.INSERT_QUERY, settings.tablePrefix()) + "RETURNING TOKEN";
		this.keeper = new JdbcLeaseKeeper(new Rows(), "phanes-sync-jdbc");
	}

	@Override
	public String backend() {
		return "jdbc";
	}

	/**
	 * Return the client id of this engine's lock rows, a random UUID.
	 * @return the id
	 */
	@Override
	public String holderId() {
		return this.clientId;
	}

	/**
	 * Return the settings.
	 * @return them
	 */
	public Settings settings() {
		return this.settings;
	}

	/**
	 * Return the name of the lock table.
	 * @return {@code <prefix>LOCK}
	 */
	public String lockTable() {
		return this.schema.lockTable();
	}

	/**
	 * Return the name of the token table.
	 * @return {@code <prefix>LOCK_TOKEN}
	 */
	public String tokenTable() {
		return this.schema.tokenTable();
	}

	/**
	 * Return how many locks this engine keeps alive.
	 * @return the count
	 */
	public int heldCount() {
		return this.keeper.size();
	}

	/**
	 * Count the live lock rows of this engine's region, of every client.
	 * @return the count
	 * @throws org.springframework.dao.DataAccessException if the database failed
	 */
	public long countLiveLocks() {
		Long count = this.reads.execute((status) -> this.jdbc.queryForObject(this.schema.liveCountQuery(), Long.class,
				this.settings.region(), now()));
		return (count != null) ? count : 0;
	}

	@Override
	public @Nullable Lease acquire(String name, @Nullable Duration wait, Duration ttl, LossListener onLoss)
			throws InterruptedException {
		if (this.closed.get()) {
			throw new IllegalStateException("The JDBC lock engine is closed");
		}
		String path = pathFor(name);
		long start = System.nanoTime();
		long idle = this.settings.idleBetweenTries().toNanos();
		while (true) {
			if (Thread.interrupted()) {
				throw new InterruptedException();
			}
			RuntimeException transientFailure = null;
			try {
				JdbcLease lease = tryAcquire(name, path, ttl, onLoss);
				if (lease != null) {
					return lease;
				}
			}
			catch (TransientDataAccessException | TransactionTimedOutException | TransactionSystemException ex) {
				transientFailure = ex;
			}
			catch (RuntimeException ex) {
				if (this.closed.get()) {
					throw new IllegalStateException("The JDBC lock engine is closed", ex);
				}
				throw new CannotAcquireLockException("Could not acquire lock '" + name + "' in " + lockTable()
						+ " (region " + this.settings.region() + "): the database failed: " + ex.getMessage(), ex);
			}
			long left = (wait != null) ? wait.toNanos() - (System.nanoTime() - start) : idle;
			if (left <= 0) {
				if (transientFailure != null) {
					throw new CannotAcquireLockException("Could not acquire lock '" + name + "' in " + lockTable()
							+ " (region " + this.settings.region() + ") before the wait ran out: the database kept "
							+ "failing: " + transientFailure.getMessage(), transientFailure);
				}
				return null;
			}
			TimeUnit.NANOSECONDS.sleep(Math.min(idle, left));
		}
	}

	private @Nullable JdbcLease tryAcquire(String name, String path, Duration ttl, LossListener onLoss) {
		long attempt = System.nanoTime();
		Long token = takeRow(path, ttl);
		if (token == null) {
			return null;
		}
		JdbcLease lease = new JdbcLease(name, path, token, ttl, attempt, onLoss);
		try {
			this.keeper.keep(lease);
		}
		catch (IllegalStateException ex) {
			deleteQuietly(name, path);
			throw ex;
		}
		return lease;
	}

	/**
	 * Spring's acquisition ({@code DefaultLockRepository.acquire}: update the row if it
	 * is this client's or expired, else insert it, in one READ COMMITTED transaction of
	 * its own), with the repository's statements returning the token they counted up, so
	 * that the token costs no extra round trip.
	 * @return the token, or {@code null} if another client holds the row
	 */
	private @Nullable Long takeRow(String path, Duration ttl) {
		return this.acquisitions.execute((status) -> {
			LocalDateTime now = now();
			List<Long> token = this.jdbc.queryForList(this.takeUpdate, Long.class, this.clientId, now.plus(ttl),
					this.settings.region(), path, this.clientId, now);
			if (token.isEmpty()) {
				now = now();
				token = this.jdbc.queryForList(this.takeInsert, Long.class, this.settings.region(), path, this.clientId,
						now, now.plus(ttl));
			}
			return token.isEmpty() ? null : token.get(0);
		});
	}

	private void deleteQuietly(String name, String path) {
		try {
			this.repository.delete(path);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not delete the row of lock '" + name + "'; it expires by itself", ex);
		}
	}

	/**
	 * Release a lock: stop renewing it and delete its row if it is still this engine's.
	 * @param name the lock's name
	 * @param lease the lease its acquisition returned
	 * @return whether it was still held: not lost here and the row still this engine's
	 * @throws DataAccessResourceFailureException if the database failed; the row then
	 * expires by itself one TTL after its last renewal
	 */
	@Override
	public boolean release(String name, Lease lease) {
		JdbcLease held = (JdbcLease) lease;
		boolean kept = this.keeper.forget(held);
		boolean deleted;
		try {
			deleted = this.repository.delete(held.path);
		}
		catch (RuntimeException ex) {
			throw new DataAccessResourceFailureException("Could not release lock '" + name + "' in " + lockTable()
					+ ": the database failed (" + ex.getMessage() + "); its row expires by itself within its TTL", ex);
		}
		return kept && deleted;
	}

	@Override
	public Optional<String> holder(String name) {
		return holderOf(pathFor(name));
	}

	private Optional<String> holderOf(String path) {
		List<String> holders = this.reads.execute((status) -> this.jdbc.queryForList(this.schema.holderQuery(),
				String.class, this.settings.region(), path, now()));
		return (holders == null || holders.isEmpty()) ? Optional.empty() : Optional.of(holders.get(0).trim());
	}

	/**
	 * Stop renewing the locks, without telling their holders, and delete every row of
	 * this engine's client id, so that a closing process frees its locks at once.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.keeper.close();
		try {
			this.repository.close();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not delete the lock rows of client " + this.clientId + " in " + lockTable()
					+ "; they expire by themselves", ex);
		}
	}

	private static String pathFor(String name) {
		return UUIDConverter.getUUID(name).toString();
	}

	private static LocalDateTime now() {
		// the clock of Spring's DefaultLockRepository
		return LocalDateTime.now(ZoneOffset.UTC);
	}

	@Override
	public String toString() {
		return "JdbcLockEngine[" + lockTable() + ", region " + this.settings.region() + ", client " + this.clientId
				+ "]";
	}

	/**
	 * The settings of a JDBC engine.
	 *
	 * @param tablePrefix the prefix of both tables' names, possibly schema-qualified
	 * @param region the region of this engine's rows: engines see each other's locks only
	 * within a region
	 * @param idleBetweenTries the pause between two attempts to take a lock
	 * @param initializeSchema whether to create the tables if they are missing
	 */
	public record Settings(String tablePrefix, String region, Duration idleBetweenTries, boolean initializeSchema) {

		/**
		 * The defaults: Spring Integration's prefix {@code INT_}, region {@code DEFAULT}
		 * and 100 ms between tries; tables not created.
		 */
		public static final Settings DEFAULTS = new Settings(DefaultLockRepository.DEFAULT_TABLE_PREFIX, "DEFAULT",
				Duration.ofMillis(100), false);

		/**
		 * Create settings.
		 * @param tablePrefix the prefix of both tables' names
		 * @param region the region
		 * @param idleBetweenTries the pause between two attempts, positive
		 * @param initializeSchema whether to create the tables
		 */
		public Settings {
			if (region.isBlank() || region.length() > 100) {
				throw new IllegalArgumentException("Region must have 1 to 100 characters, got '" + region + "'");
			}
			if (idleBetweenTries.isNegative() || idleBetweenTries.isZero()) {
				throw new IllegalArgumentException("Idle between tries must be positive, got " + idleBetweenTries);
			}
		}

	}

	/**
	 * The keeper's access to the rows.
	 */
	private final class Rows implements JdbcLeaseKeeper.Rows {

		@Override
		public boolean renew(String path, Duration ttl) {
			return JdbcLockEngine.this.repository.renew(path, ttl);
		}

		@Override
		public Optional<String> holder(String path) {
			return holderOf(path);
		}

		@Override
		public String clientId() {
			return JdbcLockEngine.this.clientId;
		}

	}

}
