package dev.phanes.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import com.zaxxer.hikari.HikariDataSource;
import dev.phanes.sync.DefaultFencedLockRegistry;
import dev.phanes.sync.FencedLock;
import dev.phanes.sync.LockObserver;
import dev.phanes.sync.etcd.EtcdLockEngine;
import dev.phanes.sync.jdbc.JdbcLockEngine;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lock.LockResponse;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Acquire + release of a lock through Phanes' fenced lock registry, beside the raw engine
 * in the same run: Spring Integration's {@link JdbcLockRegistry} on an embedded
 * PostgreSQL, and jetcd's {@code Lock} on a real etcd. Uncontended (one thread) and
 * contended (two threads on one name). Phanes adds the fencing token (a second table
 * written in the lock's statement, for JDBC) and the keep-alive.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class SyncLockBenchmark {

	private static final Duration TTL = Duration.ofSeconds(30);

	/**
	 * Phanes over JDBC and Spring Integration's JDBC registry on one embedded PostgreSQL.
	 */
	@State(Scope.Benchmark)
	public static class Jdbc {

		private @Nullable EmbeddedPostgres postgres;

		private @Nullable HikariDataSource dataSource;

		@Nullable DefaultFencedLockRegistry phanes;

		@Nullable JdbcLockRegistry spring;

		@Setup
		public void setUp() throws IOException {
			this.postgres = EmbeddedPostgres.builder().start();
			this.dataSource = new HikariDataSource();
			this.dataSource.setJdbcUrl(this.postgres.getJdbcUrl("postgres", "postgres"));
			this.dataSource.setMaximumPoolSize(4);
			DataSourceTransactionManager transactions = new DataSourceTransactionManager(this.dataSource);
			JdbcLockEngine engine = new JdbcLockEngine(this.dataSource, transactions,
					new JdbcLockEngine.Settings(JdbcLockEngine.Settings.DEFAULTS.tablePrefix(),
							JdbcLockEngine.Settings.DEFAULTS.region(),
							JdbcLockEngine.Settings.DEFAULTS.idleBetweenTries(), true));
			this.phanes = new DefaultFencedLockRegistry(engine, TTL, LockObserver.NONE, (event) -> {
			});
			DefaultLockRepository repository = new DefaultLockRepository(this.dataSource);
			repository.setTransactionManager(transactions);
			repository.afterPropertiesSet();
			repository.afterSingletonsInstantiated();
			this.spring = new JdbcLockRegistry(repository, TTL);
		}

		@TearDown
		public void tearDown() throws IOException {
			if (this.phanes != null) {
				this.phanes.close();
			}
			if (this.dataSource != null) {
				this.dataSource.close();
			}
			if (this.postgres != null) {
				this.postgres.close();
			}
		}

	}

	/**
	 * Phanes over etcd and a raw jetcd client on one etcd.
	 */
	@State(Scope.Benchmark)
	public static class Etcd {

		private @Nullable EtcdProcess etcd;

		@Nullable Client client;

		@Nullable DefaultFencedLockRegistry phanes;

		@Setup
		public void setUp() throws Exception {
			this.etcd = new EtcdProcess();
			this.client = Client.builder().endpoints(this.etcd.endpoint()).build();
			EtcdLockEngine engine = new EtcdLockEngine(this.client, this.etcd.endpoint(), Duration.ofSeconds(5));
			this.phanes = new DefaultFencedLockRegistry(engine, TTL, LockObserver.NONE, (event) -> {
			});
		}

		@TearDown
		public void tearDown() throws Exception {
			if (this.phanes != null) {
				this.phanes.close();
			}
			if (this.client != null) {
				this.client.close();
			}
			if (this.etcd != null) {
				this.etcd.close();
			}
		}

	}

	/**
	 * A raw jetcd lock holder: its own lease, as a process of its own would have (two
	 * threads locking one name under one lease would both hold it).
	 */
	@State(Scope.Thread)
	public static class EtcdHolder {

		long lease;

		@Setup
		public void setUp(Etcd etcd) throws Exception {
			this.lease = StoreBenchmark.requireSetUp(etcd.client).getLeaseClient().grant(TTL.toSeconds()).get().getID();
		}

	}

	private static void lockAndRelease(Lock lock) {
		lock.lock();
		lock.unlock();
	}

	private static long fencedLockAndRelease(FencedLock lock) {
		lock.lock();
		try {
			return lock.fencingToken();
		}
		finally {
			lock.unlock();
		}
	}

	private static final ByteSequence NAME = ByteSequence.from("/bench/raw/lock", StandardCharsets.UTF_8);

	private static long rawEtcdLockAndRelease(Client client, long lease) throws Exception {
		LockResponse locked = client.getLockClient().lock(NAME, lease).get(10, TimeUnit.SECONDS);
		client.getLockClient().unlock(locked.getKey()).get(10, TimeUnit.SECONDS);
		return locked.getHeader().getRevision();
	}

	@Benchmark
	@Threads(1)
	public long jdbcPhanesUncontended(Jdbc jdbc) {
		return fencedLockAndRelease(StoreBenchmark.requireSetUp(jdbc.phanes).obtain("uncontended"));
	}

	@Benchmark
	@Threads(1)
	public void jdbcBaselineUncontended(Jdbc jdbc) {
		lockAndRelease(StoreBenchmark.requireSetUp(jdbc.spring).obtain("uncontended"));
	}

	@Benchmark
	@Threads(2)
	public long jdbcPhanesContended(Jdbc jdbc) {
		return fencedLockAndRelease(StoreBenchmark.requireSetUp(jdbc.phanes).obtain("contended"));
	}

	@Benchmark
	@Threads(2)
	public void jdbcBaselineContended(Jdbc jdbc) {
		lockAndRelease(StoreBenchmark.requireSetUp(jdbc.spring).obtain("contended"));
	}

	@Benchmark
	@Threads(1)
	public long etcdPhanesUncontended(Etcd etcd) {
		return fencedLockAndRelease(StoreBenchmark.requireSetUp(etcd.phanes).obtain("uncontended"));
	}

	@Benchmark
	@Threads(1)
	public long etcdBaselineUncontended(Etcd etcd, EtcdHolder holder) throws Exception {
		return rawEtcdLockAndRelease(StoreBenchmark.requireSetUp(etcd.client), holder.lease);
	}

	@Benchmark
	@Threads(2)
	public long etcdPhanesContended(Etcd etcd) {
		return fencedLockAndRelease(StoreBenchmark.requireSetUp(etcd.phanes).obtain("contended"));
	}

	@Benchmark
	@Threads(2)
	public long etcdBaselineContended(Etcd etcd, EtcdHolder holder) throws Exception {
		return rawEtcdLockAndRelease(StoreBenchmark.requireSetUp(etcd.client), holder.lease);
	}

}
