package dev.phanes.config.etcd;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.phanes.config.ConfigAutoConfiguration;
import dev.phanes.config.ConfigHealthAutoConfiguration;
import dev.phanes.config.ConfigProperties;
import dev.phanes.config.ConfigReloadHealthIndicator;
import dev.phanes.config.ConfigReloader;
import dev.phanes.config.LiveProperties;
import dev.phanes.config.ShopProperties;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the etcd beans of {@link ConfigAutoConfiguration} and
 * {@link ConfigHealthAutoConfiguration}, which an {@code etcd:} import turns on by
 * registering its {@link EtcdConfigClient}.
 */
class EtcdConfigAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
				ConfigurationPropertiesRebinderAutoConfiguration.class, ConfigAutoConfiguration.class,
				ConfigHealthAutoConfiguration.class))
		.withUserConfiguration(UserProperties.class);

	@Test
	void watchesEtcdAndReportsItsHealthWhenAnImportCreatedTheClient() {
		this.contextRunner.withBean(EtcdConfigClient.class, () -> EtcdConfigClient.create(etcd()))
			.run((context) -> assertThat(context).hasSingleBean(EtcdConfigWatcher.class)
				.hasSingleBean(EtcdConfigHealthIndicator.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("phanes.config.enabled=false")
			.withBean(EtcdConfigClient.class, () -> EtcdConfigClient.create(etcd()))
			.run((context) -> assertThat(context).doesNotHaveBean(ConfigReloader.class)
				.doesNotHaveBean(LiveProperties.class)
				.doesNotHaveBean(EtcdConfigWatcher.class)
				.doesNotHaveBean(EtcdConfigHealthIndicator.class)
				.doesNotHaveBean(ConfigReloadHealthIndicator.class));
	}

	@Test
	void healthIndicatorCanBeTurnedOff() {
		this.contextRunner.withPropertyValues("management.health.phanes-etcd-config.enabled=false")
			.withBean(EtcdConfigClient.class, () -> EtcdConfigClient.create(etcd()))
			.run((context) -> assertThat(context).hasSingleBean(EtcdConfigWatcher.class)
				.doesNotHaveBean(EtcdConfigHealthIndicator.class));
	}

	private static ConfigProperties.Etcd etcd() {
		ConfigProperties.Etcd etcd = new ConfigProperties.Etcd();
		etcd.setEndpoints(List.of("http://127.0.0.1:1"));
		return etcd;
	}

	// An application with @EnableConfigurationProperties, which Spring Cloud Context's
	// rebinder needs.
	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ShopProperties.class)
	static class UserProperties {

	}

}
