package dev.phanes.config;

import io.etcd.jetcd.Client;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link EtcdConfigHealthIndicator}, reported as
 * {@code phanesEtcdConfig}; {@code management.health.phanes-etcd-config.enabled=false}
 * turns it off. Add it to the readiness group, not liveness.
 */
@AutoConfiguration(after = ConfigAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, Client.class })
@ConditionalOnBean(EtcdConfigClient.class)
@ConditionalOnEnabledHealthIndicator("phanes-etcd-config")
@ConditionalOnPhanesConfigEnabled
public final class ConfigHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "phanesEtcdConfigHealthIndicator")
	EtcdConfigHealthIndicator phanesEtcdConfigHealthIndicator(EtcdConfigClient client,
			ObjectProvider<ConfigReloader> reloader) {
		return new EtcdConfigHealthIndicator(client, reloader.getIfAvailable());
	}

}
