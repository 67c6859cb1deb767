package dev.phanes.store.jpa;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.TypedQuery;
import org.jspecify.annotations.Nullable;

import dev.phanes.store.Fence;
import dev.phanes.store.MetadataCodec;
import dev.phanes.store.Query;
import dev.phanes.store.StoreEngine;
import dev.phanes.store.StoreRecord;
import dev.phanes.store.VersionConflictException;
import org.springframework.data.jpa.repository.support.JpaRepositoryFactory;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;

/**
 * An engine on the application's database through JPA: one entity,
 * {@link StoreRecordEntity}, in the table {@code phanes_store}, for CockroachDB and
 * PostgreSQL.
 * <p>
 * Reads are JPQL projections of the entity. A write or delete is one native statement
 * that decides the version in the database ({@code INSERT ... ON CONFLICT DO UPDATE ...
 * RETURNING version}), so concurrent writers never lose an update at any isolation level
 * and a write costs one round trip. At the database's default isolation the statement
 * runs on its own (an implicit transaction, which CockroachDB retries by itself); at a
 * configured isolation it runs in a transaction of that level. When the engine owns the
 * transaction, serialization failures (SQLSTATE {@code 40001}, which CockroachDB returns
 * for contended transactions), deadlocks ({@code 40P01}) and unique violations
 * ({@code 23505}) are retried with exponential backoff and jitter. Inside a transaction
 * of the caller the engine joins it and never retries: the failure propagates unchanged
 * so the caller can retry its whole unit of work. Thread-safe.
 */
public final class JpaStoreEngine implements StoreEngine {

	private final EntityManager entityManager;

	private final StoreRecordRepository repository;

	private final JpaTransactions transactions;

	/**
	 * Create an engine.
	 * @param entityManagerFactory the factory whose persistence unit manages
	 * {@link StoreRecordEntity}
	 * @param transactionManager the transaction manager of that factory
	 * @param settings the transaction settings
	 */
	public JpaStoreEngine(EntityManagerFactory entityManagerFactory, PlatformTransactionManager transactionManager,
			Settings settings) {
		this.entityManager = SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory);
		this.repository = new JpaRepositoryFactory(this.entityManager).getRepository(StoreRecordRepository.class);
		this.transactions = new JpaTransactions(entityManagerFactory, transactionManager, settings);
	}

	@Override
	public String backend() {
		return "jpa";
	}

	/**
	 * How many times a transaction was retried after a serialization failure, a deadlock
	 * or a racing insert, since the engine was created.
	 * @return the count
	 */
	public long retries() {
		return this.transactions.retries();
	}

	@Override
	public @Nullable StoreRecord read(Scope scope, String key, Clock clock) {
		long now = clock.millis();
		StoreRecordId id = new StoreRecordId(scope.database(), scope.table(), key);
		return this.transactions
			.read(() -> this.repository.findLive(id, now).map(JpaStoreEngine::toRecord).orElse(null));
	}

	@Override
	public List<StoreRecord> read(Scope scope, Query query, Clock clock) {
		long now = clock.millis();
		return this.transactions
			.read(() -> query(StoreRecordRow.class, StoreRecordRepository.ROW, scope, query, now).getResultList()
				.stream()
				.map(JpaStoreEngine::toRecord)
				.toList());
	}

	@Override
	public List<String> list(Scope scope, Query query, Clock clock) {
		long now = clock.millis();
		return this.transactions.read(() -> query(String.class, "e.id.recordKey", scope, query, now).getResultList());
	}

	@Override
	public StoreRecord write(Scope scope, Write write, Clock clock) {
		StoreRecordRepository rows = this.repository;
		byte[] metadata = MetadataCodec.encode(write.metadata());
		Long expected = write.expectedVersion();
		String database = scope.database();
		String table = scope.table();
		Fence fence = write.fence();
		// a fenced write is two statements, so it always runs in a transaction
		Function<Supplier<StoreRecord>, StoreRecord> runner = (fence != null) ? this.transactions::inTransaction
				: this.transactions::writing;
		return runner.apply(() -> {
			long now = clock.millis();
			if (fence != null && rows.raiseFence(fence.lockName(), fence.token()).isEmpty()) {
				// the fence's row is locked until this transaction ends: its token is
				// final
				write.checkFence(rows.findFence(fence.lockName()).orElse(0L));
				throw new IllegalStateException(
						"Fence of lock '" + fence.lockName() + "' was neither raised nor stale");
			}
			if (expected == null) {
				return write
					.stored(rows.upsert(database, table, write.key(), write.value(), metadata, write.expiresAt(), now));
			}
			Optional<Long> version = (expected == 0)
					? rows.insertIfAbsent(database, table, write.key(), write.value(), metadata, write.expiresAt(), now)
					: rows.updateIfVersion(database, table, write.key(), write.value(), metadata, write.expiresAt(),
							expected, now);
			return write.stored(version.orElseThrow(() -> conflict(scope, write.key(), expected, now)));
		});
	}

	@Override
	public boolean delete(Scope scope, String key, @Nullable Long expectedVersion, Clock clock) {
		StoreRecordRepository rows = this.repository;
		long now = clock.millis();
		return this.transactions.writing(() -> {
			if (expectedVersion == null) {
				return rows.delete(scope.database(), scope.table(), key, now).orElse(0L) > 0;
			}
			rows.deleteIfVersion(scope.database(), scope.table(), key, expectedVersion, now)
				.orElseThrow(() -> conflict(scope, key, expectedVersion, now));
			return true;
		});
	}

	@Override
	public int purgeExpired(Clock clock) {
		long now = clock.millis();
		return this.transactions.inTransaction(() -> this.repository.deleteExpired(now));
	}

	/**
	 * The conflict of a conditional statement that changed nothing, with the version
	 * stored now.
	 */
	private VersionConflictException conflict(Scope scope, String key, long expected, long now) {
		long actual = this.repository.findLiveVersion(scope.database(), scope.table(), key, now).orElse(0L);
		return new VersionConflictException(key, expected, actual);
	}

	private <T> TypedQuery<T> query(Class<T> type, String selection, Scope scope, Query query, long now) {
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
		TypedQuery<T> typed = this.entityManager.createQuery(jpql.toString(), type)
			.setParameter("database", scope.database())
			.setParameter("table", scope.table())
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
		return StoreEngine.record(row.key(), row.value(), MetadataCodec.decode(row.metadata()), row.expiresAt(),
				row.version());
	}

	/**
	 * How the JPA engine runs its transactions.
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

}
