package dev.phanes.auth;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The distributed key model against a real OAuth2 issuer (Spring Authorization Server on
 * Tomcat, started here): the caller's load-balanced client gets a client-credentials
 * token for the called service, the service verifies it as a resource server would, and
 * the same rules decide for services (by caller) and for end users (by scope); tokens for
 * another audience, tampered ones and the embedded model's own are refused.
 */
class AuthIssuerIT {

	private static ConfigurableApplicationContext issuer;

	private static ConfigurableApplicationContext notes;

	private static ConfigurableApplicationContext orders;

	private static String issuerUri;

	private static int notesPort;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		issuerUri = "http://127.0.0.1:" + port;
		String client = "spring.security.oauth2.authorizationserver.client.";
		issuer = new SpringApplicationBuilder(IssuerApplication.class).web(WebApplicationType.SERVLET)
			.properties("spring.main.banner-mode=off", "spring.application.name=issuer", "server.port=" + port,
					"server.address=127.0.0.1", "spring.security.oauth2.authorizationserver.issuer=" + issuerUri,
					client + "orders.registration.client-id=orders",
					client + "orders.registration.client-secret={noop}orders-secret",
					client + "orders.registration.client-authentication-methods=client_secret_basic",
					client + "orders.registration.authorization-grant-types=client_credentials",
					client + "orders.registration.scopes=notes.read",
					client + "dashboard.registration.client-id=dashboard",
					client + "dashboard.registration.client-secret={noop}dashboard-secret",
					client + "dashboard.registration.client-authentication-methods=client_secret_basic",
					client + "dashboard.registration.authorization-grant-types=client_credentials",
					client + "dashboard.registration.scopes=notes.read",
					client + "crawler.registration.client-id=crawler",
					client + "crawler.registration.client-secret={noop}crawler-secret",
					client + "crawler.registration.client-authentication-methods=client_secret_basic",
					client + "crawler.registration.authorization-grant-types=client_credentials")
			.run();
		notes = new SpringApplicationBuilder(NotesApplication.class).web(WebApplicationType.REACTIVE)
			.properties("spring.main.banner-mode=off", "spring.application.name=notes", "server.port=0",
					"server.address=127.0.0.1", "phanes.auth.enabled=true", "phanes.auth.issuer.uri=" + issuerUri,
					"phanes.auth.rules[0].id=orders-read", "phanes.auth.rules[0].path=/notes/**",
					"phanes.auth.rules[0].caller=orders", "phanes.auth.rules[0].access=grant",
					"phanes.auth.rules[1].id=readers", "phanes.auth.rules[1].path=/notes/**",
					"phanes.auth.rules[1].method=GET", "phanes.auth.rules[1].scope=notes.read",
					"phanes.auth.rules[1].access=grant")
			.run();
		notesPort = ((WebServerApplicationContext) notes).getWebServer().getPort();
		orders = new SpringApplicationBuilder(OrdersApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "spring.application.name=orders", "phanes.auth.enabled=true",
					"phanes.auth.issuer.uri=" + issuerUri, "phanes.auth.issuer.client-id=orders",
					"phanes.auth.issuer.client-secret=orders-secret",
					"spring.cloud.discovery.client.simple.instances.notes[0].uri=http://127.0.0.1:" + notesPort)
			.run();
	}

	@AfterAll
	static void stop() {
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { orders, notes, issuer }) {
			if (context != null) {
				context.close();
			}
		}
	}

	@Test
	void aServiceCallsWithAClientCredentialsTokenForTheCalledService() {
		WebClient client = orders.getBean(WebClient.Builder.class).build();
		assertThat(client.get().uri("http://notes/notes/1").retrieve().bodyToMono(String.class).block())
			.isEqualTo("note 1 for service orders");
	}

	@Test
	void anEndUserOfTheSameIssuerIsDecidedByScope() throws Exception {
		assertThat(get(token("dashboard", "dashboard-secret", "notes", "notes.read"))).isEqualTo(200);
		// no scope, not a service: no rule grants it
		assertThat(get(token("crawler", "crawler-secret", "notes"))).isEqualTo(403);
	}

	@Test
	void tokensForAnotherServiceTamperedOrNotFromTheIssuerAreRefused() throws Exception {
		assertThat(get(token("orders", "orders-secret", "payments"))).isEqualTo(401);
		String good = token("orders", "orders-secret", "notes");
		String[] parts = good.split("\\.");
		assertThat(get(parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse())).isEqualTo(401);
		Path keys = Files.createTempDirectory("phanes-auth-keys");
		ServiceTokens selfSigned = new ServiceTokens(
				new ServiceKeys(new KeyDirectory(keys), "orders", Duration.ofDays(1), Duration.ofSeconds(20),
						Duration.ofMinutes(6), Clock.systemUTC()),
				"orders", Duration.ofMinutes(5), Duration.ofMinutes(1), Clock.systemUTC());
		assertThat(get(selfSigned.tokenFor("notes"))).isEqualTo(401);
		assertThat(get(null)).isEqualTo(401);
	}

	private static String token(String clientId, String secret, String audience, String... scopes) {
		return new IssuerTokens(URI.create(issuerUri), clientId, secret, List.of(scopes), "resource",
				Duration.ofMinutes(1), Duration.ofSeconds(10), Clock.systemUTC())
			.tokenFor(audience);
	}

	private int get(String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + notesPort + "/notes/1"))
			.timeout(Duration.ofSeconds(30));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class IssuerApplication {

		/**
		 * The audience of a client-credentials token is the service named by the RFC 8707
		 * {@code resource} parameter; a service client (all but the dashboard, which
		 * stands for an end user's app) gets a {@code client_id} claim naming it.
		 */
		@Bean
		OAuth2TokenCustomizer<JwtEncodingContext> audienceFromResource() {
			return (context) -> {
				if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())
						&& AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
					OAuth2ClientCredentialsAuthenticationToken grant = context.getAuthorizationGrant();
					Object resource = grant.getAdditionalParameters().get("resource");
					if (resource instanceof String audience) {
						context.getClaims().audience(List.of(audience));
					}
					String clientId = context.getRegisteredClient().getClientId();
					if (!"dashboard".equals(clientId)) {
						context.getClaims().claim("client_id", clientId);
					}
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class NotesApplication {

		@Bean
		IssuerNotes issuerNotes() {
			return new IssuerNotes();
		}

	}

	@RestController
	static class IssuerNotes {

		@GetMapping("/notes/{id}")
		Mono<String> note(@PathVariable String id, ServerWebExchange exchange) {
			AuthPrincipal caller = exchange.getAttribute(AuthPrincipal.ATTRIBUTE);
			String who = (caller.service() != null) ? "service " + caller.service() : "user " + caller.subject();
			return Mono.just("note " + id + " for " + who);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class OrdersApplication {

		@Bean
		@LoadBalanced
		WebClient.Builder loadBalancedWebClientBuilder() {
			return WebClient.builder();
		}

	}

}
