package dev.phanes.config;

import io.etcd.jetcd.Client;

import dev.phanes.config.etcd.EtcdConfigClient;
import dev.phanes.config.etcd.EtcdConfigHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the configuration health indicators: {@code phanesConfig}
 * ({@link ConfigReloadHealthIndicator}, the last rejected change) whenever reloads are
 * on, and {@code phanesEtcdConfig} ({@link EtcdConfigHealthIndicator}) when an
 * {@code etcd:} import created a client;
 * {@code management.health.phanes-config.enabled=false} and
 * {@code management.health.phanes-etcd-config.enabled=false} turn them off. Add the etcd
 * one to the readiness group, not liveness.
 */
@AutoConfiguration(after = ConfigAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnPhanesConfigEnabled
public final class ConfigHealthAutoConfiguration {

	@Bean
	@ConditionalOnBean(ConfigReloader.class)
	@ConditionalOnEnabledHealthIndicator("phanes-config")
	@ConditionalOnMissingBean(name = "phanesConfigHealthIndicator")
	ConfigReloadHealthIndicator phanesConfigHealthIndicator(ConfigReloader reloader) {
		return new ConfigReloadHealthIndicator(reloader);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Client.class)
	@ConditionalOnBean(EtcdConfigClient.class)
	@ConditionalOnEnabledHealthIndicator("phanes-etcd-config")
	static class EtcdHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "phanesEtcdConfigHealthIndicator")
		EtcdConfigHealthIndicator phanesEtcdConfigHealthIndicator(EtcdConfigClient client) {
			return new EtcdConfigHealthIndicator(client);
		}

	}

}
