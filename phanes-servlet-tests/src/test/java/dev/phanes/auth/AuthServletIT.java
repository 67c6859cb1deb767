package dev.phanes.auth;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Auth block in a Spring MVC application on Tomcat, with and without Spring Security
 * on the class path, with Boot's default security and with the application's own, and in
 * a WebFlux application beside Spring Security: the same rules decide, refused requests
 * never reach a controller, and with Spring Security the accepted caller is its
 * authenticated principal.
 */
class AuthServletIT {

	private static final AtomicInteger executed = new AtomicInteger();

	private static Path keys;

	private static ServiceTokens orders;

	private static ServiceTokens reporting;

	private final HttpClient http = HttpClient.newHttpClient();

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void createCallers() throws Exception {
		keys = Files.createTempDirectory("phanes-auth-keys");
		KeyDirectory directory = new KeyDirectory(keys);
		orders = new ServiceTokens(new ServiceKeys(directory, "orders", Duration.ofDays(1), Duration.ofSeconds(20),
				Duration.ofMinutes(6), Clock.systemUTC()), "orders", Duration.ofMinutes(5), Duration.ofMinutes(1),
				Clock.systemUTC());
		reporting = new ServiceTokens(
				new ServiceKeys(directory, "reporting", Duration.ofDays(1), Duration.ofSeconds(20),
						Duration.ofMinutes(6), Clock.systemUTC()),
				"reporting", Duration.ofMinutes(5), Duration.ofMinutes(1), Clock.systemUTC());
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		executed.set(0);
	}

	@Test
	void mvcWithoutSpringSecurity() throws Exception {
		start(MvcApplication.class, WebApplicationType.SERVLET, true);
		assertThat(this.context.getBeansOfType(AuthServletFilter.class)).hasSize(1);
		assertDecisions("orders via servlet filter");
	}

	@Test
	void mvcWithBootsDefaultSecurity() throws Exception {
		start(MvcApplication.class, WebApplicationType.SERVLET, false);
		// Boot's default chain wants an authenticated request: Phanes' caller is one
		assertDecisions("orders via PreAuthenticatedAuthenticationToken");
	}

	@Test
	void mvcWithTheApplicationsOwnSecurityNamingTheService() throws Exception {
		start(MvcSecuredApplication.class, WebApplicationType.SERVLET, false);
		assertThat(get("/notes/1", orders.tokenFor("notes")).statusCode()).isEqualTo(200);
		// reporting passes Phanes' rules, but the application's own chain lets only
		// orders in
		assertThat(get("/notes/1", reporting.tokenFor("notes")).statusCode()).isEqualTo(403);
		assertThat(executed).hasValue(1);
	}

	@Test
	void webFluxWithSpringSecurity() throws Exception {
		start(ReactiveApplication.class, WebApplicationType.REACTIVE, false);
		assertThat(this.context.getBeansOfType(AuthWebFilter.class)).hasSize(1);
		assertDecisions("orders via PreAuthenticatedAuthenticationToken");
	}

	private void assertDecisions(String expectedBody) throws Exception {
		HttpResponse<String> allowed = get("/notes/1", orders.tokenFor("notes"));
		assertThat(allowed.statusCode()).isEqualTo(200);
		assertThat(allowed.body()).isEqualTo(expectedBody);
		HttpResponse<String> missing = get("/notes/1", null);
		assertThat(missing.statusCode()).isEqualTo(401);
		assertThat(missing.headers().firstValue("Content-Type")).contains("application/problem+json");
		String token = orders.tokenFor("notes");
		HttpResponse<String> invalid = get("/notes/1", token.substring(0, token.length() - 4) + "AAAA");
		assertThat(invalid.statusCode()).isEqualTo(401);
		assertThat(invalid.body()).doesNotContain(token.substring(0, 20));
		assertThat(get("/notes/admin/1", orders.tokenFor("notes")).statusCode()).isEqualTo(403);
		assertThat(get("/notes/1", orders.tokenFor("payments")).statusCode()).isEqualTo(401);
		assertThat(get("/notes/..%2Fadmin/1", orders.tokenFor("notes")).statusCode()).isEqualTo(400);
		assertThat(executed).hasValue(1);
	}

	private void start(Class<?> application, WebApplicationType type, boolean hideSecurity) {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(application).web(type)
			.properties("spring.main.banner-mode=off", "spring.application.name=notes", "server.port=0",
					"server.address=127.0.0.1", "phanes.auth.enabled=true", "phanes.auth.keys.directory=" + keys,
					"phanes.auth.rules[0].id=deny-admin", "phanes.auth.rules[0].path=/notes/admin/**",
					"phanes.auth.rules[0].access=deny", "phanes.auth.rules[0].priority=50",
					"phanes.auth.rules[1].id=services-read", "phanes.auth.rules[1].path=/notes/**",
					"phanes.auth.rules[1].method=GET", "phanes.auth.rules[1].caller=*",
					"phanes.auth.rules[1].access=grant");
		if (hideSecurity) {
			builder.resourceLoader(new DefaultResourceLoader(new FilteredClassLoader("org.springframework.security")));
		}
		this.context = builder.run();
	}

	private HttpResponse<String> get(String path, String token) throws Exception {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(MvcNotes.class)
	static class MvcApplication {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(MvcNotes.class)
	static class MvcSecuredApplication {

		@Bean
		SecurityFilterChain notesSecurity(HttpSecurity http) {
			return http
				.authorizeHttpRequests((requests) -> requests.requestMatchers("/notes/**")
					.hasAuthority("SERVICE_orders")
					.anyRequest()
					.denyAll())
				.build();
		}

	}

	@RestController
	static class MvcNotes {

		@GetMapping("/notes/{id}")
		String note(@PathVariable String id, HttpServletRequest request) {
			executed.incrementAndGet();
			AuthPrincipal caller = (AuthPrincipal) request.getAttribute(AuthPrincipal.ATTRIBUTE);
			String seen = (request.getUserPrincipal() != null) ? request.getUserPrincipal().getClass().getSimpleName()
					: "servlet filter";
			return caller.service() + " via " + seen;
		}

		@GetMapping("/notes/admin/{id}")
		String admin(@PathVariable String id) {
			executed.incrementAndGet();
			return "admin";
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ReactiveApplication {

		@Bean
		ReactiveNotes reactiveNotes() {
			return new ReactiveNotes();
		}

	}

	@RestController
	static class ReactiveNotes {

		@GetMapping("/notes/{id}")
		Mono<String> note(@PathVariable String id) {
			executed.incrementAndGet();
			return ReactiveSecurityContextHolder.getContext()
				.map((security) -> ((AuthPrincipal) security.getAuthentication().getPrincipal()).service() + " via "
						+ security.getAuthentication().getClass().getSimpleName());
		}

		@GetMapping("/notes/admin/{id}")
		String admin(@PathVariable String id) {
			executed.incrementAndGet();
			return "admin";
		}

	}

}
