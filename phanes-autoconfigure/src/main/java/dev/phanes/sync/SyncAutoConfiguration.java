package dev.phanes.sync;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.sql.DataSource;

import dev.phanes.sync.etcd.EtcdLockEngine;
import dev.phanes.sync.jdbc.JdbcLockEngine;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.support.locks.LockRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The Sync block: a {@link FencedLockRegistry} (Spring Integration's {@link LockRegistry}
 * of fenced locks) on the backend {@code phanes.sync.type} names, the leader elections of
 * the application's {@link Candidate} beans and {@code phanes.sync.leader.roles}, their
 * meters and the {@code sync} endpoint. Turned off by {@code phanes.sync.enabled=false}.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(LockRegistry.class)
@ConditionalOnPhanesSyncEnabled
@EnableConfigurationProperties(SyncProperties.class)
public final class SyncAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(LockEngine.class)
	@ConditionalOnProperty(name = "phanes.sync.type", havingValue = "memory", matchIfMissing = true)
	MemoryLockEngine phanesMemoryLockEngine() {
		return new MemoryLockEngine();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(FencedLockRegistry.class)
	DefaultFencedLockRegistry phanesLockRegistry(SyncProperties properties, ObjectProvider<LockEngine> engines,
			ObjectProvider<LockObserver> observers, ApplicationEventPublisher events) {
		// the properties come first, so that an invalid backend fails naming its property
		checkTimes(properties);
		LockEngine engine = engines.getIfAvailable();
		if (engine == null) {
			throw new IllegalStateException("No lock engine for phanes.sync.type="
					+ properties.getType().name().toLowerCase(Locale.ROOT)
					+ ": the jdbc backend needs spring-integration-jdbc and a DataSource, the etcd backend jetcd-core");
		}
		return new DefaultFencedLockRegistry(engine, properties.getTtl(),
				observers.getIfAvailable(() -> LockObserver.NONE), events::publishEvent);
	}

	private static void checkTimes(SyncProperties properties) {
		if (properties.getTtl() == null || properties.getTtl().toMillis() < 1) {
			throw new IllegalStateException("phanes.sync.ttl must be positive, got " + properties.getTtl());
		}
		positive("phanes.sync.leader.heartbeat", properties.getLeader().getHeartbeat());
		if (properties.getLeader().getBusyWait() == null || properties.getLeader().getBusyWait().isNegative()) {
			throw new IllegalStateException(
					"phanes.sync.leader.busy-wait must not be negative, got " + properties.getLeader().getBusyWait());
		}
		positive("phanes.sync.jdbc.idle-between-tries", properties.getJdbc().getIdleBetweenTries());
		positive("phanes.sync.etcd.connect-timeout", properties.getEtcd().getConnectTimeout());
		positive("phanes.sync.etcd.request-timeout", properties.getEtcd().getRequestTimeout());
		if (properties.getLeader().getHeartbeat().compareTo(properties.getTtl()) >= 0) {
			throw new IllegalStateException("phanes.sync.leader.heartbeat (" + properties.getLeader().getHeartbeat()
					+ ") must be shorter than phanes.sync.ttl (" + properties.getTtl()
					+ "), or a leader would learn of a lost lock later than the TTL");
		}
	}

	private static void positive(String property, @Nullable Duration value) {
		if (value == null || value.toMillis() < 1) {
			throw new IllegalStateException(property + " must be at least 1ms, got " + value);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	LeaderElections leaderElections(FencedLockRegistry registry, ObjectProvider<Candidate> candidateBeans,
			SyncProperties properties, ApplicationEventPublisher events) {
		List<Candidate> candidates = new ArrayList<>(candidateBeans.orderedStream().toList());
		Set<String> roles = new LinkedHashSet<>(properties.getLeader().getRoles());
		candidates.forEach((candidate) -> roles.remove(candidate.getRole()));
		for (String role : roles) {
			candidates.add(new DefaultCandidate(registry.holderId() + "/" + role, role));
		}
		SyncProperties.Leader leader = properties.getLeader();
		return new LeaderElections(registry, candidates, leader.getHeartbeat(), leader.getBusyWait(),
				leader.isAutoStartup(), events);
	}

	/**
	 * Locks in the application's database ({@code phanes.sync.type=jdbc}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ DefaultLockRepository.class, JdbcTemplate.class })
	@ConditionalOnProperty(name = "phanes.sync.type", havingValue = "jdbc")
	static class JdbcConfiguration {

		/**
		 * The engine; closed by the registry.
		 */
		@Bean(destroyMethod = "")
		@ConditionalOnMissingBean(LockEngine.class)
		JdbcLockEngine phanesJdbcLockEngine(SyncProperties properties, ObjectProvider<DataSource> dataSource,
				ObjectProvider<PlatformTransactionManager> transactionManager) {
			DataSource database = dataSource.getIfUnique();
			PlatformTransactionManager transactions = transactionManager.getIfUnique();
			if (database == null || transactions == null) {
				throw new IllegalStateException("phanes.sync.type=jdbc needs one DataSource and one "
						+ "PlatformTransactionManager (spring.datasource.url and spring-boot-starter-jdbc or -data-jpa)"
						+ "; found " + ((database == null) ? "no unique DataSource" : "no unique transaction manager"));
			}
			SyncProperties.Jdbc jdbc = properties.getJdbc();
			return new JdbcLockEngine(database, transactions, new JdbcLockEngine.Settings(jdbc.getTablePrefix(),
					jdbc.getRegion(), jdbc.getIdleBetweenTries(), jdbc.isInitializeSchema()));
		}

	}

	/**
	 * Locks in etcd ({@code phanes.sync.type=etcd}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Client.class)
	@ConditionalOnProperty(name = "phanes.sync.type", havingValue = "etcd")
	static class EtcdConfiguration {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean(name = "phanesEtcdSyncClient")
		Client phanesEtcdSyncClient(SyncProperties properties, Environment environment) {
			SyncProperties.Etcd etcd = properties.getEtcd();
			// a request fails at once while etcd is out of reach: a lock request that
			// gave up must not be granted later unnoticed
			ClientBuilder builder = Client.builder()
				.endpoints(endpoints(properties, environment).toArray(String[]::new))
				.connectTimeout(etcd.getConnectTimeout())
				.waitForReady(false);
			if (etcd.getUser() != null) {
				builder.user(ByteSequence.from(etcd.getUser(), StandardCharsets.UTF_8));
				builder.password(ByteSequence.from((etcd.getPassword() != null) ? etcd.getPassword() : "",
						StandardCharsets.UTF_8));
			}
			return builder.build();
		}

		/**
		 * The engine; closed by the registry.
		 */
		@Bean(destroyMethod = "")
		@ConditionalOnMissingBean(LockEngine.class)
		EtcdLockEngine phanesEtcdLockEngine(@Qualifier("phanesEtcdSyncClient") Client client, SyncProperties properties,
				Environment environment) {
			SyncProperties.Etcd etcd = properties.getEtcd();
			return new EtcdLockEngine(client, String.join(",", endpoints(properties, environment)), etcd.getPrefix(),
					etcd.getHoldersPrefix(), etcd.getRequestTimeout());
		}

		/**
		 * The endpoints: the block's own, else the config block's, else a local etcd.
		 */
		static List<String> endpoints(SyncProperties properties, Environment environment) {
			if (!properties.getEtcd().getEndpoints().isEmpty()) {
				return properties.getEtcd().getEndpoints();
			}
			List<String> config = Binder.get(environment)
				.bind("phanes.config.etcd.endpoints", Bindable.listOf(String.class))
				.orElse(List.of());
			return config.isEmpty() ? List.of("http://127.0.0.1:2379") : config;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(MeterRegistry.class)
		SyncMeters phanesSyncMeters(MeterRegistry registry) {
			return new SyncMeters(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		SyncEndpoint syncEndpoint(FencedLockRegistry registry, ObjectProvider<LeaderElections> elections) {
			return new SyncEndpoint(registry, elections.getIfAvailable());
		}

	}

}
