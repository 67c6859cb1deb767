package dev.phanes.store.jpa;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import jakarta.persistence.EntityManagerFactory;

import dev.phanes.store.StoreAccessException;
import dev.phanes.store.StoreException;
import dev.phanes.store.VersionConflictException;
import org.springframework.orm.jpa.EntityManagerFactoryInfo;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How the {@link JpaStoreEngine} runs its statements: on their own, in a transaction of
 * its own with retries of serialization failures, deadlocks and racing inserts, or in the
 * caller's JPA transaction without retries. Thread-safe.
 */
final class JpaTransactions {

	private static final Set<String> RETRYABLE_STATES = Set.of("40001", "40P01", "23505");

	private final TransactionTemplate transactions;

	private final JpaStoreEngine.Settings settings;

	private final EntityManagerFactory entityManagerFactory;

	private final boolean singleStatementWrites;

	private final AtomicLong retries = new AtomicLong();

	JpaTransactions(EntityManagerFactory entityManagerFactory, PlatformTransactionManager transactionManager,
			JpaStoreEngine.Settings settings) {
		this.entityManagerFactory = entityManagerFactory;
		this.transactions = new TransactionTemplate(transactionManager);
		this.transactions.setIsolationLevel(settings.isolation());
		this.settings = settings;
		this.singleStatementWrites = settings.isolation() == TransactionDefinition.ISOLATION_DEFAULT
				&& autoCommits(entityManagerFactory);
	}

	/**
	 * How many times a transaction was retried.
	 */
	long retries() {
		return this.retries.get();
	}

	/**
	 * Whether the pool hands out connections in auto-commit mode, so a statement run
	 * outside a transaction is committed as it executes. When it cannot tell, the engine
	 * runs every write in a transaction of its own.
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
	 * Whether the calling thread is in a JPA transaction on the engine's persistence
	 * unit, which the engine joins. A transaction of another resource (a Kafka or a plain
	 * JDBC transaction manager) is not joined.
	 */
	private boolean inCallersTransaction() {
		return TransactionSynchronizationManager.hasResource(this.entityManagerFactory);
	}

	/**
	 * Run a read: in the caller's transaction failures propagate unchanged, outside one
	 * they become a {@link StoreAccessException}.
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
	 * Run one write statement: at the database's isolation, with an auto-committing pool,
	 * it runs on its own, committed as it executes, in one round trip; otherwise in a
	 * transaction of the configured level; in the caller's transaction, as part of it.
	 */
	<T> T writing(Supplier<T> work) {
		return run(work, !this.singleStatementWrites);
	}

	/**
	 * Run work in a transaction of the configured level, or in the caller's.
	 */
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
							"JPA store transaction failed after " + attempt + " attempt(s): " + ex.getMessage(), ex);
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

}
