package dev.phanes.store.jpa;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.TypedQuery;
import org.jspecify.annotations.Nullable;

import dev.phanes.store.AbstractStore;
import dev.phanes.store.MetadataCodec;
import dev.phanes.store.Query;
import dev.phanes.store.StoreRecord;
import dev.phanes.store.StoreAccessException;
import dev.phanes.store.StoreException;
import dev.phanes.store.StoreOptions;
import dev.phanes.store.VersionConflictException;
import org.springframework.data.jpa.repository.support.JpaRepositoryFactory;
import org.springframework.orm.jpa.EntityManagerFactoryInfo;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A store on the application's database through JPA: one entity,
 * {@link StoreRecordEntity}, in the table {@code phanes_store}, for CockroachDB and
 * PostgreSQL.
 * <p>
 * Reads are JPQL projections of the entity. A write or delete is one native statement
 * that decides the version in the database ({@code INSERT ... ON CONFLICT DO UPDATE ...
 * RETURNING version}), so concurrent writers never lose an update at any isolation level
 * and a write costs one round trip. At the database's default isolation the statement
 * runs on its own (an implicit transaction, which CockroachDB retries by itself); at a
 * configured isolation it runs in a transaction of that level. When the store owns the
 * transaction, serialization failures (SQLSTATE {@code 40001}, which CockroachDB returns
 * for contended transactions), deadlocks ({@code 40P01}) and unique violations
 * ({@code 23505}) are retried with exponential backoff and jitter. Inside a transaction
 * of the caller the store joins it and never retries: the failure propagates unchanged so
 * the caller can retry its whole unit of work. Thread-safe.
 */
public class JpaStore extends AbstractStore {

	private static final Set<String> RETRYABLE_STATES = Set.of("40001", "40P01", "23505");

	private final Engine engine;

	/**
	 * Create a store.
	 * @param entityManagerFactory the factory whose persistence unit manages
	 * {@link StoreRecordEntity}
	 * @param transactionManager the transaction manager of that factory
	 * @param settings the transaction settings
	 * @param options the settings shared by every backend
	 */
	public JpaStore(EntityManagerFactory entityManagerFactory, PlatformTransactionManager transactionManager,
			Settings settings, StoreOptions options) {
		this(Scope.DEFAULT, options, new Engine(entityManagerFactory, transactionManager, settings));
	}

	private JpaStore(Scope scope, StoreOptions options, Engine engine) {
		super(scope, options);
		this.engine = engine;
	}

	@Override
	public String backend() {
		return "jpa";
	}

	@Override
	protected AbstractStore withScope(Scope scope) {
		return new JpaStore(scope, options(), this.engine);
	}

	/**
	 * How many times a transaction was retried after a serialization failure, a deadlock
	 * or a racing insert, since the store was created.
	 * @return the count
	 */
	public long retries() {
		return this.engine.retries.get();
	}

	@Override
	protected @Nullable StoreRecord doRead(String key) {
		long now = now();
		return this.engine
			.read(() -> this.engine.repository.findLive(id(key), now).map(JpaStore::toRecord).orElse(null));
	}

	@Override
	protected List<StoreRecord> doRead(Query query, long now) {
		return this.engine.read(() -> query(StoreRecordRow.class, StoreRecordRepository.ROW, query, now).getResultList()
			.stream()
			.map(JpaStore::toRecord)
			.toList());
	}

	@Override
	protected List<String> doList(Query query, long now) {
		return this.engine.read(() -> query(String.class, "e.id.recordKey", query, now).getResultList());
	}

	@Override
	protected StoreRecord doWrite(Write write) {
		StoreRecordRepository rows = this.engine.repository;
		byte[] metadata = MetadataCodec.encode(write.metadata());
		Long expected = write.expectedVersion();
		return this.engine.writing(() -> {
			long now = now();
			if (expected == null) {
				return write.stored(
						rows.upsert(database(), table(), write.key(), write.value(), metadata, write.expiresAt(), now));
			}
			Optional<Long> version = (expected == 0)
					? rows.insertIfAbsent(database(), table(), write.key(), write.value(), metadata, write.expiresAt(),
							now)
					: rows.updateIfVersion(database(), table(), write.key(), write.value(), metadata, write.expiresAt(),
							expected, now);
			return write.stored(version.orElseThrow(() -> conflict(write.key(), expected, now)));
		});
	}

	@Override
	protected boolean doDelete(String key, @Nullable Long expectedVersion, long now) {
		StoreRecordRepository rows = this.engine.repository;
		return this.engine.writing(() -> {
			if (expectedVersion == null) {
				return rows.delete(database(), table(), key, now).orElse(0L) > 0;
			}
			rows.deleteIfVersion(database(), table(), key, expectedVersion, now)
				.orElseThrow(() -> conflict(key, expectedVersion, now));
			return true;
		});
	}

	@Override
	public int purgeExpired() {
		long now = now();
		return this.engine.inTransaction(() -> this.engine.repository.deleteExpired(now));
	}

	/**
	 * The conflict of a conditional statement that changed nothing, with the version
	 * stored now.
	 */
	private VersionConflictException conflict(String key, long expected, long now) {
		long actual = this.engine.repository.findLiveVersion(database(), table(), key, now).orElse(0L);
		return new VersionConflictException(key, expected, actual);
	}

	private StoreRecordId id(String key) {
		return new StoreRecordId(database(), table(), key);
	}

	private <T> TypedQuery<T> query(Class<T> type, String selection, Query query, long now) {
		StringBuilder jpql = new StringBuilder("select ").append(selection)
			.append(" from StoreRecordEntity e where e.id.databaseName = :database and e.id.tableName = :table")
			.append(" and (e.expiresAt is null or e.expiresAt > :now)");
		if (!query.prefix().isEmpty()) {
			jpql.append(" and e.id.recordKey like :prefix escape '!'");
		}
		if (!query.suffix().isEmpty()) {
			jpql.append(" and e.id.recordKey like :suffix escape '!'");
		}
		jpql.append(" order by e.id.recordKey");
		TypedQuery<T> typed = this.engine.entityManager.createQuery(jpql.toString(), type)
			.setParameter("database", database())
			.setParameter("table", table())
			.setParameter("now", now);
		if (!query.prefix().isEmpty()) {
			typed.setParameter("prefix", escapeLike(query.prefix()) + "%");
		}
		if (!query.suffix().isEmpty()) {
			typed.setParameter("suffix", "%" + escapeLike(query.suffix()));
		}
		if (query.offset() > 0) {
			typed.setFirstResult(query.offset());
		}
		if (query.limit() > 0) {
			typed.setMaxResults(query.limit());
		}
		return typed;
	}

	/**
	 * Escape text for a LIKE pattern with {@code !} as the escape character, so {@code %}
	 * and {@code _} in keys match only themselves.
	 */
	static String escapeLike(String text) {
		StringBuilder escaped = new StringBuilder(text.length() + 8);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '%' || c == '_' || c == '!') {
				escaped.append('!');
			}
			escaped.append(c);
		}
		return escaped.toString();
	}

	private static StoreRecord toRecord(StoreRecordRow row) {
		return record(row.key(), row.value(), MetadataCodec.decode(row.metadata()), row.expiresAt(), row.version());
	}

	/**
	 * Whether a failure is worth retrying in a new transaction.
	 * @param failure the failure
	 * @return whether its cause chain holds a retryable SQLSTATE
	 */
	static boolean isRetryable(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null
					&& RETRYABLE_STATES.contains(sql.getSQLState())) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	/**
	 * How the JPA store runs its transactions.
	 *
	 * @param isolation the isolation level, one of {@link TransactionDefinition}'s
	 * {@code ISOLATION_*} constants
	 * @param maxAttempts the most attempts of one operation, at least 1
	 * @param initialBackoff the pause before the first retry
	 * @param maxBackoff the longest pause between retries
	 */
	public record Settings(int isolation, int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

		/**
		 * The defaults: the database's isolation, 10 attempts, 10 ms to 1 s backoff.
		 */
		public static final Settings DEFAULTS = new Settings(TransactionDefinition.ISOLATION_DEFAULT, 10,
				Duration.ofMillis(10), Duration.ofSeconds(1));

		/**
		 * Create settings.
		 * @param isolation the isolation level
		 * @param maxAttempts the most attempts, at least 1
		 * @param initialBackoff the first pause
		 * @param maxBackoff the longest pause
		 */
		public Settings {
			if (maxAttempts < 1) {
				throw new IllegalArgumentException("Max attempts must be at least 1, got " + maxAttempts);
			}
		}

	}

	/**
	 * What the views of one store share: the repository, the transactions and the retry
	 * count.
	 */
	private static final class Engine {

		private final EntityManager entityManager;

		private final StoreRecordRepository repository;

		private final TransactionTemplate transactions;

		private final Settings settings;

		private final EntityManagerFactory entityManagerFactory;

		private final boolean singleStatementWrites;

		private final AtomicLong retries = new AtomicLong();

		Engine(EntityManagerFactory entityManagerFactory, PlatformTransactionManager transactionManager,
				Settings settings) {
			this.entityManagerFactory = entityManagerFactory;
			this.entityManager = SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory);
			this.repository = new JpaRepositoryFactory(this.entityManager).getRepository(StoreRecordRepository.class);
			this.transactions = new TransactionTemplate(transactionManager);
			this.transactions.setIsolationLevel(settings.isolation());
			this.settings = settings;
			this.singleStatementWrites = settings.isolation() == TransactionDefinition.ISOLATION_DEFAULT
					&& autoCommits(entityManagerFactory);
		}

		/**
		 * Whether the pool hands out connections in auto-commit mode, so a statement run
		 * outside a transaction is committed as it executes. When it cannot tell, the
		 * store runs every write in a transaction of its own.
		 */
		private static boolean autoCommits(EntityManagerFactory entityManagerFactory) {
			if (!(entityManagerFactory instanceof EntityManagerFactoryInfo info) || info.getDataSource() == null) {
				return false;
			}
			try (Connection connection = info.getDataSource().getConnection()) {
				return connection.getAutoCommit();
			}
			catch (SQLException ex) {
				return false;
			}
		}

		/**
		 * Whether the calling thread is in a JPA transaction on this store's persistence
		 * unit, which the store joins. A transaction of another resource (a Kafka or a
		 * plain JDBC transaction manager) is not joined.
		 */
		private boolean inCallersTransaction() {
			return TransactionSynchronizationManager.hasResource(this.entityManagerFactory);
		}

		/**
		 * Run a read: in the caller's transaction failures propagate unchanged, outside
		 * one they become a {@link StoreAccessException}.
		 */
		<T> T read(Supplier<T> work) {
			if (inCallersTransaction()) {
				return work.get();
			}
			try {
				return work.get();
			}
			catch (StoreException | VersionConflictException ex) {
				throw ex;
			}
			catch (RuntimeException ex) {
				throw new StoreAccessException("JPA store read failed: " + ex.getMessage(), ex);
			}
		}

		/**
		 * Run one write statement: at the database's isolation, with an auto-committing
		 * pool, it runs on its own, committed as it executes, in one round trip;
		 * otherwise in a transaction of the configured level; in the caller's
		 * transaction, as part of it.
		 */
		<T> T writing(Supplier<T> work) {
			return run(work, !this.singleStatementWrites);
		}

		<T> T inTransaction(Supplier<T> work) {
			return run(work, true);
		}

		private <T> T run(Supplier<T> work, boolean transaction) {
			if (inCallersTransaction()) {
				return work.get();
			}
			for (int attempt = 1;; attempt++) {
				try {
					return transaction ? this.transactions.execute((status) -> work.get()) : work.get();
				}
				catch (StoreException | VersionConflictException ex) {
					throw ex;
				}
				catch (RuntimeException ex) {
					if (attempt >= this.settings.maxAttempts() || !isRetryable(ex)) {
						throw new StoreAccessException(
								"JPA store transaction failed after " + attempt + " attempt(s): " + ex.getMessage(),
								ex);
					}
					this.retries.incrementAndGet();
					pause(attempt, ex);
				}
			}
		}

		private void pause(int attempt, RuntimeException failure) {
			long base = this.settings.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
			long cap = Math.min(base, this.settings.maxBackoff().toMillis());
			long millis = cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				StoreAccessException interrupted = new StoreAccessException(
						"Interrupted while waiting to retry a JPA store transaction", failure);
				interrupted.addSuppressed(ex);
				throw interrupted;
			}
		}

	}

}
