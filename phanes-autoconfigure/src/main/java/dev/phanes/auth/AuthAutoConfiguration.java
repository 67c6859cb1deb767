package dev.phanes.auth;

import java.time.Clock;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import com.nimbusds.jwt.SignedJWT;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * The Auth block, on with {@code phanes.auth.enabled=true}: this service's identity
 * (embedded keys in a shared directory), its token on every call of a load-balanced
 * client, and the verification of tokens and the rules on every request to its Spring MVC
 * or WebFlux server; rules reloaded with the configuration; meters, health and the
 * {@code auth} endpoint.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnProperty(name = "phanes.auth.enabled", havingValue = "true")
@EnableConfigurationProperties(AuthProperties.class)
public final class AuthAutoConfiguration {

	/**
	 * The longest lifetime a service token may have.
	 */
	private static final Duration MAX_TOKEN_LIFETIME = Duration.ofHours(1);

	/**
	 * Return this service's name for the Auth block.
	 * @param properties the block's properties
	 * @param environment the environment
	 * @return the name
	 * @throws IllegalStateException if there is none, or it cannot be one
	 */
	static String serviceName(AuthProperties properties, Environment environment) {
		String service = properties.getService();
		if (service == null || service.isBlank()) {
			service = environment.getProperty("spring.application.name");
		}
		if (service == null || service.isBlank()) {
			throw new IllegalStateException("phanes.auth.enabled=true needs this service's name: set "
					+ "spring.application.name (or phanes.auth.service)");
		}
		if (!KeyDirectory.isServiceName(service)) {
			throw new IllegalStateException("The service name '" + service + "' (spring.application.name or "
					+ "phanes.auth.service) cannot be a token issuer: use letters, digits, '.', '_' and '-', "
					+ "not starting with '.', at most 200 characters");
		}
		return service;
	}

	@Bean
	@ConditionalOnMissingBean
	RuleSource phanesAuthRules(AuthProperties properties, Environment environment,
			ObjectProvider<AuthObserver> observers) {
		// the properties first: their validation reports every problem, rules and times
		return new RuleSource(environment, observers.getIfAvailable(() -> AuthObserver.NONE), Clock.systemUTC());
	}

	/**
	 * The embedded key model, unless an issuer is configured.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(NoIssuerCondition.class)
	@ConditionalOnClass(SignedJWT.class)
	static class EmbeddedConfiguration {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		EmbeddedKeys phanesAuthKeys(AuthProperties properties, Environment environment) {
			AuthProperties.Token token = properties.getToken();
			AuthProperties.Keys keys = properties.getKeys();
			return new EmbeddedKeys(keys.getDirectory(), serviceName(properties, environment), keys.getRotation(),
					keys.getReload(), token.getTtl(), token.getClockSkew(), () -> trustedKeys(environment),
					Clock.systemUTC());
		}

		@Bean
		@ConditionalOnMissingBean
		OutgoingTokens phanesOutgoingTokens(EmbeddedKeys keys, AuthProperties properties, Environment environment) {
			AuthProperties.Token token = properties.getToken();
			return new ServiceTokens(keys.own(), serviceName(properties, environment), token.getTtl(),
					token.getRenewBefore(), Clock.systemUTC());
		}

		@Bean
		@ConditionalOnMissingBean
		IncomingTokens phanesIncomingTokens(EmbeddedKeys keys, AuthProperties properties, Environment environment) {
			AuthProperties.Token token = properties.getToken();
			return new ServiceTokenVerifier(keys.trusted(), serviceName(properties, environment),
					(int) token.getMaxSize().toBytes(), token.getClockSkew(), MAX_TOKEN_LIFETIME, Clock.systemUTC());
		}

	}

	/**
	 * The distributed key model: tokens of an OAuth2/OIDC issuer, verified with Spring
	 * Security's JWT support, asked for with the client credentials grant.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "phanes.auth.issuer.uri")
	@ConditionalOnClass(name = "org.springframework.security.oauth2.jwt.NimbusJwtDecoder")
	static class IssuerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnProperty(name = "phanes.auth.issuer.client-id")
		OutgoingTokens phanesOutgoingTokens(AuthProperties properties) {
			AuthProperties.Issuer issuer = properties.getIssuer();
			if (issuer.getClientSecret() == null) {
				throw new IllegalStateException("phanes.auth.issuer.client-id is set without "
						+ "phanes.auth.issuer.client-secret: the client credentials grant needs both");
			}
			return new IssuerTokens(URI.create(Objects.requireNonNull(issuer.getUri())),
					Objects.requireNonNull(issuer.getClientId()), issuer.getClientSecret(), issuer.getScopes(),
					issuer.getAudienceParameter(), properties.getToken().getRenewBefore(), issuer.getTimeout(),
					Clock.systemUTC());
		}

		@Bean
		@ConditionalOnMissingBean
		IncomingTokens phanesIncomingTokens(AuthProperties properties, Environment environment) {
			AuthProperties.Issuer issuer = properties.getIssuer();
			return new IssuerTokenVerifier(Objects.requireNonNull(issuer.getUri()),
					serviceName(properties, environment), issuer.getServiceClaim(),
					(int) properties.getToken().getMaxSize().toBytes(), properties.getToken().getClockSkew(),
					issuer.getTimeout());
		}

	}

	/**
	 * An issuer without Spring Security's JWT support on the class path: start-up fails
	 * saying what is missing.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "phanes.auth.issuer.uri")
	@ConditionalOnMissingClass("org.springframework.security.oauth2.jwt.NimbusJwtDecoder")
	static class MissingIssuerSupportConfiguration {

		@Bean
		IncomingTokens phanesIncomingTokens() {
			throw new IllegalStateException("phanes.auth.issuer.uri needs Spring Security's JWT support on the class "
					+ "path: add spring-boot-starter-security-oauth2-resource-server (or spring-security-oauth2-jose)");
		}

	}

	/**
	 * The block switched on without its token library: start-up fails rather than serving
	 * without auth.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("com.nimbusds.jwt.SignedJWT")
	static class MissingTokenLibraryConfiguration {

		@Bean
		IncomingTokens phanesIncomingTokens() {
			throw new IllegalStateException("phanes.auth.enabled=true needs com.nimbusds:nimbus-jose-jwt on the "
					+ "class path (phanes-spring-boot-starter brings it)");
		}

	}

	/**
	 * Bind the trusted keys afresh from the environment, so that a key deleted from the
	 * configuration is no longer trusted (a rebound map would keep it).
	 * @param environment the environment
	 * @return the configured JWK sets by service
	 */
	static Map<String, String> trustedKeys(Environment environment) {
		return Binder.get(environment)
			.bind("phanes.auth.trusted-keys", Bindable.mapOf(String.class, String.class))
			.orElseGet(Map::of);
	}

	/**
	 * Matches unless {@code phanes.auth.issuer.uri} is set.
	 */
	static class NoIssuerCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			String issuer = context.getEnvironment().getProperty("phanes.auth.issuer.uri");
			return (issuer == null || issuer.isBlank()) ? ConditionOutcome.match("no phanes.auth.issuer.uri")
					: ConditionOutcome.noMatch("phanes.auth.issuer.uri is set");
		}

	}

	@Bean
	@ConditionalOnMissingBean
	Authorizer phanesAuthorizer(IncomingTokens tokens, RuleSource rules, AuthProperties properties,
			Environment environment, ObjectProvider<AuthObserver> observers, ObjectProvider<AuthTargets> targets) {
		// tokens verified once are remembered for a reload period at most: a key that is
		// no longer trusted stops vouching for them as soon as the keys are read again
		IncomingTokens remembered = new VerifiedTokens(tokens, properties.getKeys().getReload(),
				properties.getToken().getClockSkew(), 10_000, Clock.systemUTC());
		return new Authorizer(remembered, rules, serviceName(properties, environment),
				observers.getIfAvailable(() -> AuthObserver.NONE), targets.getIfAvailable(() -> AuthTargets.SELF));
	}

	/**
	 * Attaches tokens to the calls of load-balanced builders; the tokens are looked up at
	 * the first call, so that the post-processor does not create them early.
	 */
	@Bean
	@ConditionalOnClass(name = "org.springframework.cloud.client.loadbalancer.LoadBalanced")
	static LoadBalancedAuthPostProcessor phanesLoadBalancedAuthPostProcessor(ApplicationContext context,
			ObjectProvider<OutgoingTokens> tokens) {
		return new LoadBalancedAuthPostProcessor(context, tokens);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(name = { "jakarta.servlet.Filter", "org.springframework.web.filter.OncePerRequestFilter" })
	static class ServletConfiguration {

		@Bean
		@ConditionalOnMissingBean
		AuthServletFilter phanesAuthServletFilter(Authorizer authorizer) {
			return new AuthServletFilter(authorizer);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	static class ReactiveConfiguration {

		@Bean
		@ConditionalOnMissingBean
		AuthWebFilter phanesAuthWebFilter(Authorizer authorizer) {
			return new AuthWebFilter(authorizer);
		}

	}

	/**
	 * With Spring Security in a servlet application: every security filter chain (the
	 * application's, or Boot's default) sees the caller Phanes accepted as authenticated.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(name = { "org.springframework.security.config.annotation.web.builders.HttpSecurity",
			"jakarta.servlet.Filter" })
	static class ServletSecurityConfiguration {

		@Bean
		Customizer<HttpSecurity> phanesAuthHttpSecurityCustomizer() {
			return (http) -> http.addFilterBefore(new AuthSecurityBridge.ServletFilter(),
					AnonymousAuthenticationFilter.class);
		}

	}

	/**
	 * With Spring Security in a WebFlux application: every security web filter chain sees
	 * the caller Phanes accepted as authenticated.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(name = "org.springframework.security.config.web.server.ServerHttpSecurity")
	static class ReactiveSecurityConfiguration {

		@Bean
		Customizer<ServerHttpSecurity> phanesAuthServerHttpSecurityCustomizer() {
			return (http) -> http.addFilterAt(new AuthSecurityBridge.ReactiveFilter(),
					SecurityWebFiltersOrder.AUTHENTICATION);
		}

	}

	/**
	 * Reloads the rules and re-reads the configured trusted keys when the configuration
	 * changes (Phanes' config reload and Spring Cloud's refresh both publish the event).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(EnvironmentChangeEvent.class)
	static class ReloadConfiguration {

		@Bean
		ApplicationListener<EnvironmentChangeEvent> phanesAuthReloader(RuleSource rules,
				ObjectProvider<EmbeddedKeys> keys) {
			return (event) -> {
				if (event.getKeys().stream().anyMatch((key) -> key.startsWith("phanes.auth."))) {
					rules.reload();
					EmbeddedKeys embedded = keys.getIfAvailable();
					if (embedded != null) {
						embedded.trusted().refresh();
					}
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(MeterRegistry.class)
		AuthMeters phanesAuthMeters(MeterRegistry registry) {
			return new AuthMeters(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(AbstractHealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("phanes-auth")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "phanesAuthHealthIndicator")
		AuthHealthIndicator phanesAuthHealthIndicator(RuleSource rules) {
			return new AuthHealthIndicator(rules);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		AuthEndpoint authEndpoint(RuleSource rules, ObjectProvider<EmbeddedKeys> keys, AuthProperties properties,
				Environment environment) {
			return new AuthEndpoint(serviceName(properties, environment), rules, keys.getIfAvailable());
		}

	}

}
