package dev.phanes.config;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.phanes.config.etcd.EtcdConfigHealthIndicator;
import dev.phanes.config.etcd.EtcdConfigWatcher;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.properties.ConfigurationPropertiesBeans;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConfigAutoConfiguration} and {@link ConfigHealthAutoConfiguration}
 * (with an etcd import: {@code EtcdConfigAutoConfigurationTests}).
 */
class ConfigAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
				ConfigurationPropertiesRebinderAutoConfiguration.class, ConfigAutoConfiguration.class,
				ConfigHealthAutoConfiguration.class))
		.withUserConfiguration(UserProperties.class);

	@Test
	void failsOnAnInvalidValueNamingThePropertyAndWhatItMustBe() {
		this.contextRunner.withPropertyValues("phanes.config.etcd.request-timeout=-1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("phanes.config")
				.hasStackTraceContaining("'etcd.requestTimeout'")
				.hasStackTraceContaining("must be a positive duration"));
	}

	@Test
	void createsReloaderFileWatcherAndLiveHandlesButNoEtcdBeansWithoutAnEtcdImport() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(ConfigReloader.class)
			.hasSingleBean(ConfigFileWatcher.class)
			.hasSingleBean(LiveProperties.class)
			.hasSingleBean(ConfigReloadHealthIndicator.class)
			.doesNotHaveBean(EtcdConfigWatcher.class)
			.doesNotHaveBean(EtcdConfigHealthIndicator.class));
	}

	@Test
	void reloadsWithoutJetcd() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.etcd.jetcd"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ConfigReloader.class)
				.hasSingleBean(ConfigFileWatcher.class)
				.hasSingleBean(ConfigReloadHealthIndicator.class)
				.doesNotHaveBean(EtcdConfigWatcher.class)
				.doesNotHaveBean(EtcdConfigHealthIndicator.class));
	}

	@Test
	void leavesFilesAloneWhenFileWatchIsOff() {
		this.contextRunner.withPropertyValues("phanes.config.reload.watch-files=false")
			.run((context) -> assertThat(context).hasSingleBean(ConfigReloader.class)
				.doesNotHaveBean(ConfigFileWatcher.class));
	}

	@Test
	void reloadHealthIndicatorCanBeTurnedOff() {
		this.contextRunner.withPropertyValues("management.health.phanes-config.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(ConfigReloader.class)
				.doesNotHaveBean(ConfigReloadHealthIndicator.class));
	}

	@Test
	void keepsOnlyLiveHandlesWithoutSpringCloudContext() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ConfigurationPropertiesBeans.class))
			.run((context) -> assertThat(context).hasSingleBean(LiveProperties.class)
				.doesNotHaveBean(ConfigReloader.class)
				.doesNotHaveBean(ConfigFileWatcher.class));
	}

	@Test
	void reloadsWithoutBeanValidation() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("jakarta.validation"))
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(ConfigReloader.class)
				.satisfies((reloader) -> assertThat(reloader.reload(ConfigReloadSource.FILE).outcome())
					.isEqualTo(ConfigReloadObservationContext.Outcome.SUCCESS)));
	}

	@Test
	void userReloaderWins() {
		this.contextRunner
			.withBean("myReloader", ConfigReloader.class,
					() -> new ConfigReloader(null, null, null, null, null, Duration.ZERO,
							io.micrometer.observation.ObservationRegistry.NOOP, null))
			.run((context) -> assertThat(context).getBean(ConfigReloader.class)
				.isSameAs(context.getBean("myReloader")));
	}

	@Test
	void bindsPropertiesWithDefaults() {
		this.contextRunner
			.withPropertyValues("phanes.config.etcd.endpoints=http://10.0.0.1:2379,http://10.0.0.2:2379",
					"phanes.config.etcd.request-timeout=5s", "phanes.config.reload.coalesce=5ms")
			.run((context) -> {
				ConfigProperties properties = context.getBean(ConfigProperties.class);
				assertThat(properties.getEtcd().getEndpoints())
					.isEqualTo(List.of("http://10.0.0.1:2379", "http://10.0.0.2:2379"));
				assertThat(properties.getEtcd().getRequestTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(properties.getEtcd().getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.getReload().getCoalesce()).isEqualTo(Duration.ofMillis(5));
				assertThat(new ConfigProperties().getReload().getCoalesce()).isEqualTo(Duration.ofMillis(20));
			});
	}

	// An application with @EnableConfigurationProperties, which Spring Cloud Context's
	// rebinder needs.
	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ShopProperties.class)
	static class UserProperties {

	}

}
