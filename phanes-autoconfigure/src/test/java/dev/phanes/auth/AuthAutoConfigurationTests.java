package dev.phanes.auth;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Auth block's switches, its two key models and its clear start-up failures.
 */
class AuthAutoConfigurationTests {

	@TempDir
	Path keys;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AuthAutoConfiguration.class));

	@Test
	void offByDefault() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(Authorizer.class)
			.doesNotHaveBean(OutgoingTokens.class)
			.doesNotHaveBean(AuthProperties.class));
	}

	@Test
	void onWithTheEmbeddedKeyModel() {
		this.contextRunner
			.withPropertyValues("phanes.auth.enabled=true", "spring.application.name=notes",
					"phanes.auth.keys.directory=" + this.keys)
			.run((context) -> {
				assertThat(context).hasSingleBean(Authorizer.class)
					.hasSingleBean(EmbeddedKeys.class)
					.hasSingleBean(RuleSource.class);
				assertThat(context.getBean(OutgoingTokens.class)).isInstanceOf(ServiceTokens.class);
				assertThat(context.getBean(IncomingTokens.class)).isInstanceOf(ServiceTokenVerifier.class);
				assertThat(this.keys.resolve("notes.jwks.json")).exists();
				assertThat(context.getBean(RuleSource.class).rules().size()).isZero();
			});
	}

	@Test
	void anIssuerReplacesTheKeyDirectory() {
		this.contextRunner
			.withPropertyValues("phanes.auth.enabled=true", "spring.application.name=notes",
					"phanes.auth.issuer.uri=http://127.0.0.1:1", "phanes.auth.keys.directory=" + this.keys)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(EmbeddedKeys.class).doesNotHaveBean(OutgoingTokens.class);
				assertThat(context.getBean(IncomingTokens.class)).isInstanceOf(IssuerTokenVerifier.class);
				assertThat(this.keys.resolve("notes.jwks.json")).doesNotExist();
			});
	}

	@Test
	void anIssuerClientWithoutASecretIsRefused() {
		this.contextRunner
			.withPropertyValues("phanes.auth.enabled=true", "spring.application.name=notes",
					"phanes.auth.issuer.uri=http://127.0.0.1:1", "phanes.auth.issuer.client-id=notes")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("phanes.auth.issuer.client-secret"));
	}

	@Test
	void withoutAServiceNameStartUpFailsSayingWhatToSet() {
		this.contextRunner.withPropertyValues("phanes.auth.enabled=true", "phanes.auth.keys.directory=" + this.keys)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("set spring.application.name (or phanes.auth.service)"));
	}

	@Test
	void aServiceNameThatCannotNameFilesIsRefused() {
		this.contextRunner
			.withPropertyValues("phanes.auth.enabled=true", "spring.application.name=../etc",
					"phanes.auth.keys.directory=" + this.keys)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("cannot be a token issuer"));
	}

	@Test
	void invalidRulesAndTimesFailStartUpNamingEveryProblem() {
		this.contextRunner
			.withPropertyValues("phanes.auth.enabled=true", "spring.application.name=notes",
					"phanes.auth.keys.directory=" + this.keys, "phanes.auth.rules[0].id=a",
					"phanes.auth.rules[0].path=/notes/{broken", "phanes.auth.rules[0].access=grant",
					"phanes.auth.rules[1].id=a", "phanes.auth.token.ttl=2h")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("phanes.auth.rules[0] (id 'a').path")
				.hasStackTraceContaining("phanes.auth.rules[1] (id 'a')")
				.hasStackTraceContaining("must be between 10s and 1h"));
	}

	@Test
	void aReactiveServerGetsTheWebFilter() {
		new ReactiveWebApplicationContextRunner().withConfiguration(AutoConfigurations.of(AuthAutoConfiguration.class))
			.withPropertyValues("phanes.auth.enabled=true", "spring.application.name=notes",
					"phanes.auth.keys.directory=" + this.keys)
			.run((context) -> assertThat(context).hasSingleBean(AuthWebFilter.class)
				.doesNotHaveBean(AuthServletFilter.class));
	}

}
