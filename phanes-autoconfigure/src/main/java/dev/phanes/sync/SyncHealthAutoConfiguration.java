package dev.phanes.sync;

import dev.phanes.sync.etcd.EtcdLockEngine;
import dev.phanes.sync.etcd.EtcdLockHealthIndicator;
import dev.phanes.sync.jdbc.JdbcLockEngine;
import dev.phanes.sync.jdbc.JdbcLockHealthIndicator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health of the Sync block's distributed backend, reported as {@code phanesSync} and
 * switched by {@code management.health.phanes-sync.enabled}. Put it in the readiness
 * group, never liveness: a database or etcd outage takes the instance out of rotation, it
 * does not restart it.
 */
@AutoConfiguration(after = SyncAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnPhanesSyncEnabled
@ConditionalOnEnabledHealthIndicator("phanes-sync")
public final class SyncHealthAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.integration.jdbc.lock.DefaultLockRepository")
	@ConditionalOnBean(JdbcLockEngine.class)
	static class JdbcHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "phanesSyncHealthIndicator")
		JdbcLockHealthIndicator phanesSyncHealthIndicator(JdbcLockEngine engine) {
			return new JdbcLockHealthIndicator(engine);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.etcd.jetcd.Client")
	@ConditionalOnBean(EtcdLockEngine.class)
	static class EtcdHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "phanesSyncHealthIndicator")
		EtcdLockHealthIndicator phanesSyncHealthIndicator(EtcdLockEngine engine) {
			return new EtcdLockHealthIndicator(engine);
		}

	}

}
