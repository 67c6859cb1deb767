package dev.phanes.config;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The candidate validation on its own, with no etcd and no watcher: fresh instances of
 * the application's {@code @ConfigurationProperties} beans are bound to candidate sources
 * with the start-up validation, and the live beans are not touched.
 */
class ConfigurationCandidateValidatorTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RefreshAutoConfiguration.class,
				ConfigurationPropertiesRebinderAutoConfiguration.class, ConfigAutoConfiguration.class))
		.withPropertyValues("phanes.config.reload.watch-files=false")
		.withUserConfiguration(ShopApplication.class);

	@Test
	void acceptsValidValuesAndLeavesTheLiveBeanAlone() {
		this.contextRunner.run((context) -> {
			List<String> problems = context.getBean(ConfigurationCandidateValidator.class)
				.validate(candidate(Map.of("shop.max-items", "50", "shop.greeting", "hi")), List.of());
			assertThat(problems).isEmpty();
			assertThat(context.getBean(ShopProperties.class).getMaxItems()).isEqualTo(10);
			assertThat(context.getBean(ShopProperties.class).getGreeting()).isEqualTo("default");
		});
	}

	@Test
	void namesTheValueBeanValidationRefuses() {
		this.contextRunner.run((context) -> {
			List<String> problems = context.getBean(ConfigurationCandidateValidator.class)
				.validate(candidate(Map.of("shop.max-items", "500")), List.of());
			assertThat(problems).singleElement().asString().contains("max-items").contains("500");
			assertThat(context.getBean(ShopProperties.class).getMaxItems()).isEqualTo(10);
		});
	}

	@Test
	void namesAValueThatDoesNotBind() {
		this.contextRunner.run((context) -> {
			List<String> problems = context.getBean(ConfigurationCandidateValidator.class)
				.validate(candidate(Map.of("shop.max-items", "lots")), List.of());
			assertThat(problems).singleElement().asString().contains("shop.max-items").contains("lots");
		});
	}

	@Test
	void checksTheTypesOfLiveHandlesUnderTheirOwnPrefix() {
		this.contextRunner.run((context) -> {
			List<String> problems = context.getBean(ConfigurationCandidateValidator.class)
				.validate(candidate(Map.of("limits.burst", "0")), List.of(Limits.class));
			assertThat(problems).isNotEmpty().anySatisfy((problem) -> assertThat(problem).contains("burst"));
		});
	}

	private static MutablePropertySources candidate(Map<String, Object> values) {
		MutablePropertySources sources = new MutablePropertySources();
		sources.addFirst(new MapPropertySource("candidate", values));
		return sources;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ShopProperties.class)
	static class ShopApplication {

	}

}
