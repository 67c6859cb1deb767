package dev.phanes.sync.jdbc;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.sync.DefaultFencedLockRegistry;
import dev.phanes.sync.FencedLock;
import dev.phanes.sync.LockEngine;
import dev.phanes.sync.LockLostEvent;
import dev.phanes.sync.LockLostException;
import dev.phanes.sync.LockObserver;
import dev.phanes.test.EmbeddedPostgresExtension;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.integration.util.UUIDConverter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * What the JDBC engine adds to Spring Integration's lock table, on a real PostgreSQL:
 * fencing tokens, loss of a lease, an unreachable database and missing tables.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class JdbcLockEngineIT {

	private static final Duration TTL = Duration.ofSeconds(3);

	private static final Duration BOUND = Duration.ofSeconds(60);

	private static final String REGION = "engine-it";

	private static final JdbcLockEngine.Settings SETTINGS = new JdbcLockEngine.Settings("INT_", REGION,
			Duration.ofMillis(100), false);

	private static DataSource database;

	private static JdbcTemplate sql;

	private final List<AutoCloseable> closing = new ArrayList<>();

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@BeforeAll
	static void createTables(EmbeddedPostgresExtension.Server server) {
		database = server.dataSource();
		sql = new JdbcTemplate(database);
		new JdbcLockEngine(database, new DataSourceTransactionManager(database),
				new JdbcLockEngine.Settings("INT_", REGION, SETTINGS.idleBetweenTries(), true))
			.close();
	}

	@AfterEach
	void close() throws Exception {
		this.threads.shutdownNow();
		for (AutoCloseable closeable : this.closing) {
			closeable.close();
		}
	}

	private JdbcLockEngine engine(DataSource dataSource) {
		JdbcLockEngine engine = new JdbcLockEngine(dataSource, new DataSourceTransactionManager(dataSource), SETTINGS);
		this.closing.add(engine);
		return engine;
	}

	private DefaultFencedLockRegistry registry(LockEngine engine, List<LockLostEvent> losses) {
		return registry(engine, losses, TTL);
	}

	private DefaultFencedLockRegistry registry(LockEngine engine, List<LockLostEvent> losses, Duration ttl) {
		DefaultFencedLockRegistry registry = new DefaultFencedLockRegistry(engine, ttl, LockObserver.NONE, losses::add);
		this.closing.add(registry);
		return registry;
	}

	private static String name() {
		return "engine-it-" + UUID.randomUUID();
	}

	private static String path(String name) {
		return UUIDConverter.getUUID(name).toString();
	}

	private static Long storedToken(String name) {
		return sql.queryForObject("SELECT TOKEN FROM INT_LOCK_TOKEN WHERE REGION = ? AND LOCK_KEY = ?", Long.class,
				REGION, path(name));
	}

	private static int lockRows(String name) {
		return sql.queryForObject("SELECT COUNT(*) FROM INT_LOCK WHERE REGION = ? AND LOCK_KEY = ?", Integer.class,
				REGION, path(name));
	}

	private static LocalDateTime anHourAgo() {
		return LocalDateTime.now(ZoneOffset.UTC).minusHours(1);
	}

	@Test
	void tokensSurviveUnlockAndGrowOnTheInsertAndTheUpdatePath() throws Exception {
		DefaultFencedLockRegistry first = registry(engine(database), new CopyOnWriteArrayList<>());
		DefaultFencedLockRegistry second = registry(engine(database), new CopyOnWriteArrayList<>());
		String name = name();
		FencedLock lock = first.obtain(name);
		// insert path: no lock row, no token row
		lock.lock();
		assertThat(lock.fencingToken()).isEqualTo(1);
		// a failed attempt writes nothing: the statement's update count is 0
		assertThat(this.threads.submit(() -> second.obtain(name).tryLock()).get(BOUND.toSeconds(), TimeUnit.SECONDS))
			.isFalse();
		assertThat(storedToken(name)).isEqualTo(1);
		lock.unlock();
		assertThat(lockRows(name)).isZero();
		assertThat(storedToken(name)).isEqualTo(1);
		// insert path again: the token row is kept and counted up
		lock.lock();
		assertThat(lock.fencingToken()).isEqualTo(2);
		lock.unlock();
		// update path: the expired row of a client that died without deleting it
		sql.update(
				"INSERT INTO INT_LOCK (REGION, LOCK_KEY, CLIENT_ID, CREATED_DATE, EXPIRED_AFTER) "
						+ "VALUES (?, ?, ?, ?, ?)",
				REGION, path(name), UUID.randomUUID().toString(), anHourAgo(), anHourAgo());
		FencedLock other = second.obtain(name);
		long taken = this.threads.submit(() -> {
			other.lock();
			try {
				return other.fencingToken();
			}
			finally {
				other.unlock();
			}
		}).get(BOUND.toSeconds(), TimeUnit.SECONDS);
		assertThat(taken).isEqualTo(3);
		assertThat(storedToken(name)).isEqualTo(3);
		assertThat(lockRows(name)).isZero();
	}

	@Test
	void aHolderWhoseRowIsTakenOverIsTold() throws Exception {
		List<LockLostEvent> losses = new CopyOnWriteArrayList<>();
		// a long TTL: the first holder's next renewal (a third of it) finds the row taken
		// long before its own deadline would end the lease
		DefaultFencedLockRegistry first = registry(engine(database), losses, Duration.ofSeconds(12));
		JdbcLockEngine second = engine(database);
		String name = name();
		FencedLock lock = first.obtain(name);
		lock.lock();
		long token = lock.fencingToken();
		// the row expires as if the first holder had stopped renewing it; its next
		// renewal
		// may come first, so expire it again until the second engine has taken it
		LockEngine.Lease lease = null;
		long deadline = System.nanoTime() + BOUND.toNanos();
		while (lease == null && System.nanoTime() < deadline) {
			sql.update("UPDATE INT_LOCK SET EXPIRED_AFTER = ? WHERE REGION = ? AND LOCK_KEY = ?", anHourAgo(), REGION,
					path(name));
			lease = second.acquire(name, Duration.ZERO, TTL, (reason) -> {
			});
		}
		assertThat(lease).isNotNull();
		assertThat(lease.token()).isGreaterThan(token);
		assertThat(second.holder(name)).contains(second.holderId());
		await().atMost(BOUND).until(() -> !losses.isEmpty());
		assertThat(losses).singleElement().satisfies((loss) -> {
			assertThat(loss.getName()).isEqualTo(name);
			assertThat(loss.getFencingToken()).isEqualTo(token);
			assertThat(loss.getReason()).isEqualTo("taken-over");
		});
		assertThat(lock.isHeld()).isFalse();
		assertThatExceptionOfType(LockLostException.class).isThrownBy(lock::unlock).withMessageContaining("taken-over");
		assertThat(second.holder(name)).contains(second.holderId());
		assertThat(second.release(name, lease)).isTrue();
	}

	@Test
	void aHolderCutOffFromTheDatabaseIsToldWhenItsTtlHasPassed() throws Exception {
		List<LockLostEvent> losses = new CopyOnWriteArrayList<>();
		SwitchableDataSource cutOff = new SwitchableDataSource(database);
		DefaultFencedLockRegistry first = registry(engine(cutOff), losses);
		JdbcLockEngine second = engine(database);
		String name = name();
		FencedLock lock = first.obtain(name);
		lock.lock();
		long token = lock.fencingToken();
		long cut = System.nanoTime();
		cutOff.cut();
		await().atMost(BOUND).until(() -> !losses.isEmpty());
		Duration told = Duration.ofNanos(System.nanoTime() - cut);
		assertThat(losses).singleElement().extracting(LockLostEvent::getReason).isEqualTo("lease-expired");
		// told within its TTL of the last renewal (wide slack for a busy machine)
		assertThat(told).isLessThan(TTL.plusSeconds(15));
		assertThat(lock.isHeld()).isFalse();
		LockEngine.Lease lease = second.acquire(name, BOUND, TTL, (reason) -> {
		});
		assertThat(lease).isNotNull();
		assertThat(lease.token()).isGreaterThan(token);
		cutOff.restore();
		assertThatExceptionOfType(LockLostException.class).isThrownBy(lock::unlock)
			.withMessageContaining("lease-expired");
		assertThat(second.release(name, lease)).isTrue();
	}

	@Test
	void anUnreachableDatabaseFailsAcquisitionAndReleaseClearly() throws Exception {
		SwitchableDataSource cutOff = new SwitchableDataSource(database);
		// a long TTL: the held lock is not lost before it is released
		DefaultFencedLockRegistry registry = registry(engine(cutOff), new CopyOnWriteArrayList<>(),
				Duration.ofSeconds(60));
		String name = name();
		FencedLock held = registry.obtain(name);
		held.lock();
		cutOff.cut();
		FencedLock other = registry.obtain(name());
		assertThatExceptionOfType(CannotAcquireLockException.class).isThrownBy(other::tryLock)
			.withMessageContaining("Could not acquire lock '" + other.name() + "'")
			.withMessageContaining("the database failed");
		assertThatExceptionOfType(CannotAcquireLockException.class).isThrownBy(other::lock)
			.withMessageContaining(other.name());
		assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(held::unlock)
			.withMessageContaining("Could not release lock '" + name + "'")
			.withMessageContaining("expires by itself");
		assertThat(held.isHeld()).isFalse();
		cutOff.restore();
		assertThat(other.tryLock(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		other.unlock();
	}

	@Test
	void closingTheEngineFreesItsLocks() {
		JdbcLockEngine engine = engine(database);
		DefaultFencedLockRegistry registry = registry(engine, new CopyOnWriteArrayList<>());
		String name = name();
		registry.obtain(name).lock();
		assertThat(engine.holder(name)).contains(engine.holderId());
		registry.close();
		assertThat(lockRows(name)).isZero();
	}

	@Test
	void aMissingTableIsNamedWithThePropertyThatCreatesIt() {
		DataSourceTransactionManager transactions = new DataSourceTransactionManager(database);
		assertThatIllegalStateException()
			.isThrownBy(() -> new JdbcLockEngine(database, transactions,
					new JdbcLockEngine.Settings("MISSING_", REGION, SETTINGS.idleBetweenTries(), false)))
			.withMessageContaining("Table MISSING_LOCK ")
			.withMessageContaining("phanes.sync.jdbc.initialize-schema=true");
		JdbcLockEngine created = new JdbcLockEngine(database, transactions,
				new JdbcLockEngine.Settings("CREATED_", REGION, SETTINGS.idleBetweenTries(), true));
		this.closing.add(created);
		DefaultFencedLockRegistry registry = registry(created, new CopyOnWriteArrayList<>());
		FencedLock lock = registry.obtain(name());
		lock.lock();
		assertThat(lock.fencingToken()).isEqualTo(1);
		lock.unlock();
		sql.execute("DROP TABLE CREATED_LOCK_TOKEN");
		assertThatIllegalStateException()
			.isThrownBy(() -> new JdbcLockEngine(database, transactions,
					new JdbcLockEngine.Settings("CREATED_", REGION, SETTINGS.idleBetweenTries(), false)))
			.withMessageContaining("Table CREATED_LOCK_TOKEN ")
			.withMessageContaining("phanes.sync.jdbc.initialize-schema=true");
	}

	@Test
	void healthIsUpWhileTheLockTableAnswers() {
		SwitchableDataSource cutOff = new SwitchableDataSource(database);
		JdbcLockEngine engine = engine(cutOff);
		JdbcLockHealthIndicator indicator = new JdbcLockHealthIndicator(engine);
		Health up = indicator.health(true);
		assertThat(up.getStatus()).isEqualTo(Status.UP);
		assertThat(up.getDetails()).containsEntry("backend", "jdbc")
			.containsEntry("table", "INT_LOCK")
			.containsEntry("region", REGION)
			.containsEntry("held", 0)
			.containsKey("live");
		cutOff.cut();
		Health down = indicator.health(true);
		assertThat(down.getStatus()).isEqualTo(Status.DOWN);
		assertThat(down.getDetails()).containsEntry("region", REGION).containsKey("error");
	}

}
