package dev.phanes.loadbalancer;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LoadBalancerDefaultsEnvironmentPostProcessor}.
 */
class LoadBalancerDefaultsEnvironmentPostProcessorTests {

	private final LoadBalancerDefaultsEnvironmentPostProcessor postProcessor = new LoadBalancerDefaultsEnvironmentPostProcessor();

	@Test
	void turnsRetriesOnWithPhanesDefaults() {
		MockEnvironment environment = new MockEnvironment();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.cloud.loadbalancer.retry.enabled")).isEqualTo("true");
		assertThat(environment.getProperty("spring.cloud.loadbalancer.retry.max-retries-on-next-service-instance"))
			.isEqualTo("2");
		assertThat(environment.getProperty("spring.cloud.loadbalancer.retry.retryable-status-codes"))
			.isEqualTo("502,503,504");
		assertThat(environment.getProperty("spring.cloud.loadbalancer.stats.micrometer.enabled")).isEqualTo("true");
		assertThat(environment.getProperty("spring.cloud.loadbalancer.stats.include-path")).isEqualTo("false");
	}

	@Test
	void theApplicationsOwnSettingsWin() {
		MockEnvironment environment = new MockEnvironment()
			.withProperty("spring.cloud.loadbalancer.retry.max-retries-on-next-service-instance", "5");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.cloud.loadbalancer.retry.max-retries-on-next-service-instance"))
			.isEqualTo("5");
	}

	@Test
	void theApplicationsDefaultPropertiesWinToo() {
		MockEnvironment environment = new MockEnvironment();
		environment.getPropertySources()
			.addLast(new MapPropertySource(DefaultPropertiesPropertySource.NAME,
					Map.of("spring.cloud.loadbalancer.retry.max-retries-on-next-service-instance", "7")));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.cloud.loadbalancer.retry.max-retries-on-next-service-instance"))
			.isEqualTo("7");
		assertThat(environment.getProperty("spring.cloud.loadbalancer.retry.enabled")).isEqualTo("true");
	}

	@Test
	void addsNothingWhenPhanesLoadBalancingIsDisabled() {
		MockEnvironment environment = new MockEnvironment().withProperty("phanes.loadbalancer.enabled", "false");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getPropertySources().contains(DefaultPropertiesPropertySource.NAME)).isFalse();
		assertThat(environment.getProperty("spring.cloud.loadbalancer.retry.enabled")).isNull();
	}

	@Test
	void addsNothingWhenSpringCloudLoadBalancerIsDisabled() {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.cloud.loadbalancer.enabled", "false");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.cloud.loadbalancer.stats.micrometer.enabled")).isNull();
		assertThat(environment.getProperty("spring.cloud.loadbalancer.retry.enabled")).isNull();
	}

}
