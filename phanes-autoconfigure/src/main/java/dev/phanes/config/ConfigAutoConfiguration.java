package dev.phanes.config;

import io.etcd.jetcd.Client;
import io.micrometer.observation.ObservationRegistry;

import dev.phanes.config.etcd.EtcdConfigClient;
import dev.phanes.config.etcd.EtcdConfigWatcher;
import dev.phanes.observation.DocumentedObservations;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.context.properties.ConfigurationPropertiesBeans;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of configuration reloads: {@link LiveProperties} handles, the
 * {@link ConfigReloader} on Spring Cloud Context, the watch of configuration files and,
 * when an {@code etcd:} import created an {@link EtcdConfigClient}, the watch of its
 * prefixes.
 */
@AutoConfiguration(afterName = { "org.springframework.cloud.autoconfigure.RefreshAutoConfiguration",
		"org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration",
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnPhanesConfigEnabled
@EnableConfigurationProperties(ConfigProperties.class)
public final class ConfigAutoConfiguration {

	/**
	 * The observations of this block, for the collectors to describe and cap.
	 * @return them
	 */
	@Bean
	static DocumentedObservations phanesConfigObservations() {
		return DocumentedObservations.of(ConfigObservation.values());
	}

	@Bean
	@ConditionalOnMissingBean
	LiveProperties liveProperties(ConfigurableApplicationContext context) {
		return new LiveProperties(context.getEnvironment());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ConfigurationPropertiesBeans.class)
	@ConditionalOnBean(ConfigurationPropertiesBeans.class)
	static class ReloadConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ConfigurationCandidateValidator configurationCandidateValidator(ConfigurableApplicationContext context,
				ConfigurationPropertiesBeans beans) {
			return new ConfigurationCandidateValidator(context, beans);
		}

		@Bean
		@ConditionalOnMissingBean
		ConfigReloader configReloader(ConfigurableApplicationContext context, ConfigurationCandidateValidator validator,
				ObjectProvider<RefreshScope> refreshScope, ObjectProvider<ConfigurationPropertiesRebinder> rebinder,
				LiveProperties liveProperties, ConfigProperties properties,
				ObjectProvider<ObservationRegistry> observationRegistry,
				ObjectProvider<ConfigReloadObservationConvention> convention) {
			return new ConfigReloader(context, validator, refreshScope.getIfAvailable(), rebinder.getIfAvailable(),
					liveProperties, properties.getReload().getCoalesce(),
					observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP), convention.getIfAvailable());
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnProperty(name = "phanes.config.reload.watch-files", matchIfMissing = true)
		ConfigFileWatcher configFileWatcher(ConfigurableApplicationContext context) {
			return new ConfigFileWatcher(context.getEnvironment(), context);
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(Client.class)
		@ConditionalOnBean(EtcdConfigClient.class)
		static class EtcdWatchConfiguration {

			@Bean
			@ConditionalOnMissingBean
			EtcdConfigWatcher etcdConfigWatcher(EtcdConfigClient client, ConfigurableApplicationContext context) {
				return new EtcdConfigWatcher(client, context);
			}

		}

	}

}
