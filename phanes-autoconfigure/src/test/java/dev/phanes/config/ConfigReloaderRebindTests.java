package dev.phanes.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reload checks and rebinds only the {@code @ConfigurationProperties} beans whose
 * prefix the change touches, directly or through a placeholder, and leaves the others
 * alone.
 */
class ConfigReloaderRebindTests {

	@TempDir
	Path directory;

	@Test
	void rebindsOnlyTheBeansAChangeTouches() throws IOException {
		Path file = this.directory.resolve("reload.yml");
		write(file, "1", "1");
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.NONE)
			.run("--spring.config.import=file:" + file, "--spring.config.name=none", "--phanes.discovery.enabled=false",
					"--phanes.config.reload.watch-files=false")) {
			Alpha alpha = context.getBean(Alpha.class);
			Beta beta = context.getBean(Beta.class);
			Gamma gamma = context.getBean(Gamma.class);
			int alphaBound = alpha.bound.get();
			int betaBound = beta.bound.get();
			int gammaBound = gamma.bound.get();

			write(file, "2", "1");
			ConfigReloader.Result result = context.getBean(ConfigReloader.class).reload(ConfigReloadSource.FILE);

			assertThat(result.outcome()).isEqualTo(ConfigReloadObservationContext.Outcome.SUCCESS);
			assertThat(result.changedKeys()).containsExactly("alpha.value");
			assertThat(alpha.getValue()).isEqualTo("2");
			assertThat(alpha.bound).hasValue(alphaBound + 1);
			// gamma.value is ${alpha.value}: rebound as well
			assertThat(gamma.getValue()).isEqualTo("2");
			assertThat(gamma.bound).hasValue(gammaBound + 1);
			assertThat(beta.bound).as("beta, untouched by the change, was not rebound").hasValue(betaBound);

			write(file, "2", "not a number");
			result = context.getBean(ConfigReloader.class).reload(ConfigReloadSource.FILE);
			assertThat(result.outcome()).isEqualTo(ConfigReloadObservationContext.Outcome.REJECTED);
			assertThat(result.problems()).singleElement().asString().contains("beta.count");
			assertThat(beta.getCount()).isEqualTo(1);
		}
	}

	private static void write(Path file, String alpha, String betaCount) throws IOException {
		Files.writeString(file,
				"alpha.value: '" + alpha + "'\nbeta.count: '" + betaCount + "'\ngamma.value: ${alpha.value}\n");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
	@EnableConfigurationProperties({ Alpha.class, Beta.class, Gamma.class })
	static class TestApplication {

	}

	/**
	 * Counts how often it was bound: Spring Cloud's rebinder initializes a bean again
	 * when it rebinds it.
	 */
	abstract static class Counted implements InitializingBean {

		final AtomicInteger bound = new AtomicInteger();

		@Override
		public void afterPropertiesSet() {
			this.bound.incrementAndGet();
		}

	}

	@ConfigurationProperties("alpha")
	static class Alpha extends Counted {

		private String value = "";

		public String getValue() {
			return this.value;
		}

		public void setValue(String value) {
			this.value = value;
		}

	}

	@ConfigurationProperties("beta")
	static class Beta extends Counted {

		private int count;

		public int getCount() {
			return this.count;
		}

		public void setCount(int count) {
			this.count = count;
		}

	}

	@ConfigurationProperties("gamma")
	static class Gamma extends Counted {

		private String value = "";

		public String getValue() {
			return this.value;
		}

		public void setValue(String value) {
			this.value = value;
		}

	}

}
