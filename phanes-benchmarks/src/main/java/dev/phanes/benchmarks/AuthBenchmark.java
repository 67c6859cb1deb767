package dev.phanes.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.phanes.auth.AuthAutoConfiguration;
import dev.phanes.auth.AuthRequest;
import dev.phanes.auth.AuthRule;
import dev.phanes.auth.IncomingTokens;
import dev.phanes.auth.OutgoingTokens;
import dev.phanes.auth.RuleSet;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * What the Auth block adds to one call: the same GET over loopback HTTP, through a
 * Reactor Netty {@link WebClient} to a WebFlux service, without auth (the baseline) and
 * with it — the client takes this service's cached token ({@link OutgoingTokens}, signed
 * again every few minutes) and the server verifies it (ES256) and evaluates 100 rules,
 * the deciding one last. Sampled time per call, in microseconds; {@link AuthTable}
 * reports the p50 each adds. The server's parts alone (verifying a token, deciding with
 * 100 rules) are measured beside them.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Dphanes.discovery.mdns.address=127.0.0.1")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AuthBenchmark {

	/** How many rules the server has; the one that grants the call is evaluated last. */
	static final int RULES = 100;

	private ConfigurableApplicationContext open;

	private ConfigurableApplicationContext secured;

	private ConfigurableApplicationContext caller;

	private WebClient openClient;

	private WebClient securedClient;

	private OutgoingTokens tokens;

	private IncomingTokens verifier;

	private String token;

	private RuleSet rules;

	private AuthRequest request;

	@Setup(Level.Trial)
	public void start() throws Exception {
		Path keys = Files.createTempDirectory("phanes-auth-bench");
		List<String> ruleProperties = new ArrayList<>();
		List<AuthRule> ruleBeans = new ArrayList<>();
		for (int i = 0; i < RULES - 1; i++) {
			String prefix = "phanes.auth.rules[" + i + "].";
			ruleProperties.add(prefix + "id=other-" + i);
			ruleProperties.add(prefix + "path=/other-" + i + "/**");
			ruleProperties.add(prefix + "caller=service-" + i);
			ruleProperties.add(prefix + "access=grant");
			ruleProperties.add(prefix + "priority=" + (i + 1));
			ruleBeans.add(rule("other-" + i, "/other-" + i + "/**", "service-" + i, i + 1));
		}
		String last = "phanes.auth.rules[" + (RULES - 1) + "].";
		ruleProperties.addAll(List.of(last + "id=orders-read", last + "path=/notes/**", last + "caller=orders",
				last + "method=GET", last + "access=grant", last + "priority=0"));
		ruleBeans.add(rule("orders-read", "/notes/**", "orders", 0));
		ruleBeans.get(RULES - 1).setMethod("GET");
		this.open = server("notes", false, keys, List.of());
		this.secured = server("notes", true, keys, ruleProperties);
		this.caller = new SpringApplicationBuilder(Notes.class).web(WebApplicationType.NONE)
			.properties(common("orders", true, keys))
			.run();
		this.tokens = this.caller.getBean(OutgoingTokens.class);
		this.verifier = this.secured.getBean(IncomingTokens.class);
		this.token = this.tokens.tokenFor("notes");
		this.openClient = WebClient.create("http://127.0.0.1:" + port(this.open));
		this.securedClient = WebClient.create("http://127.0.0.1:" + port(this.secured));
		this.rules = RuleSet.compile(ruleBeans);
		this.request = new AuthRequest("notes", "GET", "/notes/1", "orders", Set.of(), true);
		if (!"note 1".equals(callWithAuth()) || !"note 1".equals(callWithoutAuth())) {
			throw new IllegalStateException("the calls do not answer as expected");
		}
	}

	private static AuthRule rule(String id, String path, String caller, int priority) {
		AuthRule rule = new AuthRule();
		rule.setId(id);
		rule.setPath(path);
		rule.setCaller(caller);
		rule.setAccess(dev.phanes.auth.Access.GRANT);
		rule.setPriority(priority);
		return rule;
	}

	private static ConfigurableApplicationContext server(String name, boolean auth, Path keys, List<String> rules) {
		return new SpringApplicationBuilder(Notes.class).web(WebApplicationType.REACTIVE)
			.properties(common(name, auth, keys))
			.properties("server.port=0", "server.address=127.0.0.1")
			.properties(rules.toArray(String[]::new))
			.run();
	}

	private static String[] common(String name, boolean auth, Path keys) {
		return new String[] { "spring.main.banner-mode=off", "spring.application.name=" + name,
				"phanes.auth.enabled=" + auth, "phanes.auth.keys.directory=" + keys, "logging.level.root=warn",
				"phanes.discovery.enabled=false", "management.observations.enable.all=false" };
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.caller.close();
		this.secured.close();
		this.open.close();
	}

	@Benchmark
	public String callWithoutAuth() {
		return this.openClient.get().uri("/notes/1").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
	}

	@Benchmark
	public String callWithAuth() {
		return this.securedClient.get()
			.uri("/notes/1")
			.headers((headers) -> headers.setBearerAuth(this.tokens.tokenFor("notes")))
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

	@Benchmark
	public Object verifyToken() {
		return this.verifier.verify(this.token);
	}

	@Benchmark
	public Object decideWith100Rules() {
		return this.rules.decide(this.request);
	}

	/**
	 * The service both servers run.
	 */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ PropertyPlaceholderAutoConfiguration.class,
			ConfigurationPropertiesAutoConfiguration.class, CodecsAutoConfiguration.class,
			NettyReactiveWebServerAutoConfiguration.class, HttpHandlerAutoConfiguration.class,
			WebFluxAutoConfiguration.class, AuthAutoConfiguration.class })
	@Import(NotesController.class)
	public static class Notes {

	}

	/**
	 * Answers a note.
	 */
	@RestController
	public static class NotesController {

		/**
		 * Answer a note.
		 * @param id its id
		 * @return its text
		 */
		@GetMapping("/notes/{id}")
		public String note(@PathVariable String id) {
			return "note " + id;
		}

	}

}
