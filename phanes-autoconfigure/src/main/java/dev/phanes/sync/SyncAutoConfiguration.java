package dev.phanes.sync;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.support.locks.LockRegistry;

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
		if (properties.getLeader().getHeartbeat().compareTo(properties.getTtl()) >= 0) {
			throw new IllegalStateException("phanes.sync.leader.heartbeat (" + properties.getLeader().getHeartbeat()
					+ ") must be shorter than phanes.sync.ttl (" + properties.getTtl()
					+ "), or a leader would learn of a lost lock later than the TTL");
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
