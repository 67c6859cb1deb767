package dev.phanes.auth;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Auth over real HTTP on loopback: a WebFlux service ({@code notes}) with rules, called
 * by another application ({@code orders}) through load-balanced clients that attach its
 * token with no application code, and by hand with every kind of bad token and path;
 * refused requests never reach the controller and never echo the token.
 */
class AuthWebFluxIT {

	private static final AtomicInteger executed = new AtomicInteger();

	private static Path keys;

	private static ConfigurableApplicationContext notes;

	private static ConfigurableApplicationContext orders;

	private static int port;

	private static ServiceKeys ordersKeys;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() throws Exception {
		keys = Files.createTempDirectory("phanes-auth-keys");
		notes = new SpringApplicationBuilder(NotesApplication.class).web(WebApplicationType.REACTIVE)
			.properties(common("notes"))
			.properties("server.port=0", "management.endpoints.web.exposure.include=health,auth",
					// above phanes.auth.token.max-size (4 KB), so that the block's own
					// limit is what refuses an oversized token
					"server.max-http-request-header-size=16KB", "phanes.auth.rules[0].id=health",
					"phanes.auth.rules[0].path=/actuator/health/**", "phanes.auth.rules[0].scope=public",
					"phanes.auth.rules[0].access=grant", "phanes.auth.rules[1].id=public-ping",
					"phanes.auth.rules[1].path=/public/**", "phanes.auth.rules[1].scope=public",
					"phanes.auth.rules[1].access=grant", "phanes.auth.rules[2].id=deny-admin",
					"phanes.auth.rules[2].path=/notes/admin/**", "phanes.auth.rules[2].access=deny",
					"phanes.auth.rules[2].priority=50", "phanes.auth.rules[3].id=orders-read",
					"phanes.auth.rules[3].path=/notes/**", "phanes.auth.rules[3].method=GET",
					"phanes.auth.rules[3].caller=orders", "phanes.auth.rules[3].access=grant",
					"phanes.auth.rules[3].priority=10")
			.run();
		port = ((WebServerApplicationContext) notes).getWebServer().getPort();
		orders = new SpringApplicationBuilder(OrdersApplication.class).web(WebApplicationType.NONE)
			.properties(common("orders"))
			.properties("spring.cloud.discovery.client.simple.instances.notes[0].uri=http://127.0.0.1:" + port)
			.run();
		ordersKeys = new ServiceKeys(new KeyDirectory(keys), "orders", Duration.ofDays(1), Duration.ofSeconds(20),
				Duration.ofMinutes(6), Clock.systemUTC());
	}

	private static String[] common(String name) {
		return new String[] { "spring.main.banner-mode=off", "spring.application.name=" + name,
				"phanes.auth.enabled=true", "phanes.auth.keys.directory=" + keys,
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
						+ "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration,"
						+ "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" };
	}

	@AfterAll
	static void stop() {
		if (orders != null) {
			orders.close();
		}
		if (notes != null) {
			notes.close();
		}
	}

	@BeforeEach
	void reset() {
		executed.set(0);
	}

	@Test
	void loadBalancedClientsCarryTheCallersTokenWithNoApplicationCode() {
		WebClient webClient = orders.getBean(WebClient.Builder.class).build();
		assertThat(webClient.get().uri("http://notes/notes/7").retrieve().bodyToMono(String.class).block())
			.isEqualTo("note 7 for orders");
		RestClient restClient = orders.getBean(RestClient.Builder.class).build();
		assertThat(restClient.get().uri("http://notes/notes/8").retrieve().body(String.class))
			.isEqualTo("note 8 for orders");
		assertThat(executed).hasValue(2);
	}

	@Test
	void aRuleDenyingAPathIsA403BeforeTheControllerRuns() {
		WebClient webClient = orders.getBean(WebClient.Builder.class).build();
		assertThatExceptionOfType(WebClientResponseException.Forbidden.class)
			.isThrownBy(() -> webClient.get().uri("http://notes/notes/admin/1").retrieve().toBodilessEntity().block())
			.satisfies((ex) -> {
				assertThat(ex.getHeaders().getContentType()).hasToString("application/problem+json");
				assertThat(ex.getResponseBodyAsString()).contains("\"status\":403").contains("deny-admin");
			});
		RestClient restClient = orders.getBean(RestClient.Builder.class).build();
		assertThatExceptionOfType(HttpClientErrorException.Forbidden.class)
			.isThrownBy(() -> restClient.post().uri("http://notes/notes/9").retrieve().toBodilessEntity())
			.satisfies((ex) -> assertThat(ex.getResponseBodyAsString()).contains("no rule matched"));
		assertThat(executed).hasValue(0);
		MeterRegistry meters = notes.getBean(MeterRegistry.class);
		assertThat(
				meters.get("phanes.auth.requests").tag("outcome", "denied").tag("rule", "deny-admin").counter().count())
			.isPositive();
	}

	@Test
	void noTokenIsA401UnlessARuleMakesThePathPublic() throws Exception {
		HttpResponse<String> missing = get("/notes/1", null);
		assertThat(missing.statusCode()).isEqualTo(401);
		assertThat(missing.headers().firstValue("WWW-Authenticate")).contains("Bearer");
		assertThat(missing.headers().firstValue("Content-Type")).contains("application/problem+json");
		assertThat(get("/public/ping", null).statusCode()).isEqualTo(200);
		assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
		assertThat(executed).hasValue(1);
	}

	@Test
	void everyBadTokenIsA401ThatNeverReachesTheControllerNorEchoesTheToken() throws Exception {
		Instant now = Instant.now();
		ECKey key = ordersKeys.signingKey();
		String good = sign(key, claims("orders", "notes", now, now.plus(Duration.ofMinutes(5))));
		assertThat(get("/notes/1", good).statusCode()).isEqualTo(200);
		executed.set(0);
		String[] parts = good.split("\\.");
		Map<String, String> bad = new java.util.LinkedHashMap<>();
		bad.put("none", b64("{\"alg\":\"none\"}") + "." + parts[1] + ".");
		bad.put("hmac", hmacWithPublicKey(key));
		bad.put("tampered payload", parts[0] + "."
				+ b64(claims("orders", "notes", now, now.plus(Duration.ofHours(1))).toString()) + "." + parts[2]);
		bad.put("tampered signature", parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse());
		bad.put("expired", sign(key,
				claims("orders", "notes", now.minus(Duration.ofMinutes(20)), now.minus(Duration.ofMinutes(10)))));
		bad.put("not yet valid",
				sign(key,
						new JWTClaimsSet.Builder(claims("orders", "notes", now, now.plus(Duration.ofMinutes(5))))
							.notBeforeTime(Date.from(now.plus(Duration.ofMinutes(3))))
							.build()));
		bad.put("wrong audience (replayed to another service)",
				sign(key, claims("orders", "payments", now, now.plus(Duration.ofMinutes(5)))));
		bad.put("wrong issuer", sign(key, claims("payments", "notes", now, now.plus(Duration.ofMinutes(5)))));
		bad.put("untrusted key",
				sign(new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256)
					.keyID(key.getKeyID())
					.generate(), claims("orders", "notes", now, now.plus(Duration.ofMinutes(5)))));
		bad.put("bad base64", "%%%." + parts[1] + "." + parts[2]);
		bad.put("oversized",
				b64("{\"alg\":\"ES256\",\"kid\":\"" + "k".repeat(6_000) + "\"}") + "." + parts[1] + "." + parts[2]);
		for (Map.Entry<String, String> token : bad.entrySet()) {
			HttpResponse<String> response = get("/notes/1", token.getValue());
			assertThat(response.statusCode()).as(token.getKey()).isEqualTo(401);
			assertThat(response.headers().firstValue("WWW-Authenticate")).as(token.getKey())
				.contains("Bearer error=\"invalid_token\"");
			assertThat(response.body()).as(token.getKey())
				.contains("\"status\":401")
				.doesNotContain(token.getValue().substring(0, Math.min(20, token.getValue().length())));
		}
		// a header of 100 KB is refused by the server before anything reads it
		HttpResponse<String> huge = get("/notes/1", "x".repeat(100_000));
		assertThat(huge.statusCode()).isIn(401, 431);
		assertThat(executed).hasValue(0);
	}

	@Test
	void pathsThatCouldBeReadTwoWaysAreRefused() throws Exception {
		String token = orders.getBean(OutgoingTokens.class).tokenFor("notes");
		for (String path : List.of("/notes/..%2Fadmin/1", "/notes/%2e%2e/admin/1", "/notes/x;y/1", "/notes//admin/1",
				"/notes/%252e/1")) {
			HttpResponse<String> response = get(path, token);
			assertThat(response.statusCode()).as(path).isEqualTo(400);
		}
		assertThat(executed).hasValue(0);
	}

	@Test
	void theEndpointShowsTheRulesAndDryRunsADecision() {
		AuthEndpoint endpoint = notes.getBean(AuthEndpoint.class);
		AuthEndpoint.AuthDescriptor described = endpoint.auth("orders", "GET", "/notes/admin/3", null);
		assertThat(described.service()).isEqualTo("notes");
		assertThat(described.rules()).extracting(AuthRule::getId)
			.containsExactly("deny-admin", "orders-read", "health", "public-ping");
		assertThat(described.dryRun()).isNotNull();
		assertThat(described.dryRun().decision().allowed()).isFalse();
		assertThat(described.dryRun().decision().ruleId()).isEqualTo("deny-admin");
		assertThat(endpoint.auth("orders", "GET", "/notes/3", null).dryRun().decision().ruleId())
			.isEqualTo("orders-read");
	}

	@Test
	void aChangedRuleAppliesAndAnInvalidSetLeavesThePreviousOne() throws Exception {
		String token = orders.getBean(OutgoingTokens.class).tokenFor("notes");
		assertThat(get("/notes/5", token).statusCode()).isEqualTo(200);
		// a whole list in a source of higher precedence: Boot binds a list from one
		// source.
		// The events' source is not the context, so Spring Cloud's rebinder leaves the
		// properties bean alone and the rule source's own check is what is tested (the
		// config block's check before it is AuthEtcdRulesIT's)
		Map<String, Object> rules = new java.util.HashMap<>();
		notes.getEnvironment()
			.getPropertySources()
			.stream()
			.filter((source) -> source instanceof org.springframework.core.env.EnumerablePropertySource<?>)
			.flatMap((source) -> java.util.Arrays
				.stream(((org.springframework.core.env.EnumerablePropertySource<?>) source).getPropertyNames()))
			.filter((name) -> name.startsWith("phanes.auth.rules["))
			.forEach((name) -> rules.put(name, notes.getEnvironment().getProperty(name)));
		rules.put("phanes.auth.rules[3].method", "POST");
		MapPropertySource overrides = new MapPropertySource("test-overrides", rules);
		notes.getEnvironment().getPropertySources().addFirst(overrides);
		try {
			notes.publishEvent(new EnvironmentChangeEvent(this, java.util.Set.of("phanes.auth.rules[3].method")));
			assertThat(get("/notes/5", token).statusCode()).isEqualTo(403);
			// duplicate ids: refused whole, the set above stays
			rules.put("phanes.auth.rules[1].id", "deny-admin");
			rules.put("phanes.auth.rules[3].method", "GET");
			notes.publishEvent(new EnvironmentChangeEvent(this, java.util.Set.of("phanes.auth.rules[1].id")));
			assertThat(get("/notes/5", token).statusCode()).isEqualTo(403);
			RuleSource source = notes.getBean(RuleSource.class);
			assertThat(source.lastRejection()).isNotNull();
			assertThat(source.lastRejection().reason()).contains("deny-admin");
			assertThat(notes.getBean(MeterRegistry.class).get("phanes.auth.rules.rejected").counter().count())
				.isEqualTo(1);
		}
		finally {
			notes.getEnvironment().getPropertySources().remove("test-overrides");
			notes.publishEvent(new EnvironmentChangeEvent(this, java.util.Set.of("phanes.auth.rules[3].method")));
		}
		assertThat(get("/notes/5", token).statusCode()).isEqualTo(200);
		assertThat(notes.getBean(RuleSource.class).lastRejection()).isNull();
	}

	private HttpResponse<String> get(String path, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JWTClaimsSet claims(String issuer, String audience, Instant issued, Instant expires) {
		return new JWTClaimsSet.Builder().issuer(issuer)
			.subject(issuer)
			.audience(audience)
			.issueTime(Date.from(issued))
			.expirationTime(Date.from(expires))
			.build();
	}

	private static String sign(ECKey key, JWTClaimsSet claims) throws Exception {
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
		jwt.sign(new ECDSASigner(key));
		return jwt.serialize();
	}

	private static String hmacWithPublicKey(ECKey key) throws Exception {
		Instant now = Instant.now();
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(),
				claims("orders", "notes", now, now.plus(Duration.ofMinutes(5))));
		jwt.sign(new com.nimbusds.jose.crypto.MACSigner(
				key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
		return jwt.serialize();
	}

	private static String b64(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class NotesApplication {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		NotesController notesController() {
			return new NotesController();
		}

	}

	@RestController
	static class NotesController {

		@GetMapping("/notes/{id}")
		String note(@PathVariable String id, org.springframework.web.server.ServerWebExchange exchange) {
			executed.incrementAndGet();
			AuthPrincipal caller = exchange.getAttribute(AuthPrincipal.ATTRIBUTE);
			return "note " + id + " for " + ((caller != null) ? caller.service() : "nobody");
		}

		@org.springframework.web.bind.annotation.PostMapping("/notes/{id}")
		String create(@PathVariable String id) {
			executed.incrementAndGet();
			return "created " + id;
		}

		@GetMapping("/notes/admin/{id}")
		String admin(@PathVariable String id) {
			executed.incrementAndGet();
			return "admin " + id;
		}

		@GetMapping("/public/ping")
		String ping() {
			executed.incrementAndGet();
			return "pong";
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

		@Bean
		@LoadBalanced
		RestClient.Builder loadBalancedRestClientBuilder() {
			return RestClient.builder();
		}

	}

}
