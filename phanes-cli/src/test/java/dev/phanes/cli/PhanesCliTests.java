package dev.phanes.cli;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands against instances served by a real HTTP server on loopback, with fixed
 * discovery: what they print, on which stream, and their exit codes.
 */
class PhanesCliTests {

	private static final String CATALOG = """
			{"service":"notes","http":[{"methods":["GET"],"path":"/notes/{id}","consumes":[],
			"produces":["application/json"],"handler":"NotesController#get"}],
			"grpc":[{"service":"phanes.sample.Notes","method":"Get","type":"UNARY","idempotent":true}]}""";

	private final FakeInstance first = new FakeInstance("notes-1", Map.of("zone", "a"));

	private final FakeInstance second = new FakeInstance("notes-2");

	private final StaticDiscovery discovery = new StaticDiscovery().add(this.first.instance("notes"))
		.add(this.second.instance("notes"))
		.add(this.first.instance("users"));

	@AfterEach
	void stopInstances() {
		this.first.close();
		this.second.close();
	}

	@Test
	void servicesListsEachServiceWithItsInstanceCount() {
		Run run = run("services");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).isEqualTo("SERVICE  INSTANCES\nnotes    2\nusers    1\n");
		assertThat(run.err()).isEmpty();
		assertThat(this.discovery.closed).isTrue();
	}

	@Test
	void jsonIsAGlobalOptionGivenBeforeOrAfterTheCommand() {
		for (Run run : new Run[] { run("--json", "services"), run("services", "--json") }) {
			assertThat(run.exitCode()).isZero();
			JsonNode json = Console.JSON.readTree(run.out());
			assertThat(json.path("services").get(0).path("name").stringValue()).isEqualTo("notes");
			assertThat(json.path("services").get(0).path("instances").intValue()).isEqualTo(2);
		}
	}

	@Test
	void servicesFailsClearlyWhenNothingIsDiscovered() {
		Run run = Run.of(new StaticDiscovery().factory(), "services");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.out()).isEmpty();
		assertThat(run.err())
			.startsWith("phanes: No services found over mDNS on 127.0.0.1 within 2s; " + "are instances running?")
			.contains("--mdns-address")
			.contains("--wait");
	}

	@Test
	void describeReadsHealthVersionUptimeAndTheCatalog() {
		serveActuator(this.first);
		serveActuator(this.second);
		this.second.answer("/actuator/health", 503, "application/json", "{\"status\":\"DOWN\"}");
		Run run = run("describe", "notes");
		assertThat(run.exitCode()).isZero();
		assertThat(run.err()).isEmpty();
		assertThat(run.out()).contains("Service notes (2 instances, mDNS on 127.0.0.1)")
			.containsPattern("notes-1 +127.0.0.1:" + this.first.port() + " +UP +1.2.3 +1h 01m")
			.containsPattern("notes-2 +127.0.0.1:" + this.second.port() + " +DOWN +1.2.3 +1h 01m")
			.contains("  zone=a")
			.containsPattern("GET +/notes/\\{id} +- +application/json")
			.containsPattern("phanes.sample.Notes/Get +UNARY +yes");
		JsonNode json = Console.JSON.readTree(run("describe", "notes", "--json").out());
		assertThat(json.path("instances").get(0).path("health").stringValue()).isEqualTo("UP");
		assertThat(json.path("instances").get(0).path("uptimeSeconds").doubleValue()).isEqualTo(3661.5);
		assertThat(json.path("catalog").path("http").get(0).path("path").stringValue()).isEqualTo("/notes/{id}");
		assertThat(json.path("catalog").path("grpc").get(0).path("idempotent").booleanValue()).isTrue();
	}

	@Test
	void describePrefersTheVersionInMetadataAndUptimeFromPrometheus() {
		FakeInstance versioned = new FakeInstance("v-1", Map.of("version", "9.9"));
		try (versioned) {
			versioned.json("/actuator/health", "{\"status\":\"UP\"}")
				.answer("/actuator/prometheus", 200, "text/plain",
						"# HELP x\nprocess_uptime_seconds{application=\"v\"} 42.0\n")
				.json("/actuator/catalog", CATALOG);
			Run run = Run.of(new StaticDiscovery().add(versioned.instance("v")).factory(), "describe", "v");
			assertThat(run.out()).containsPattern("v-1 +127.0.0.1:\\d+ +UP +9.9 +42s");
			assertThat(run.err()).isEmpty();
		}
	}

	@Test
	void describeNamesTheEndpointAndThePropertyWhenTheCatalogIsNotExposed() {
		this.first.json("/actuator/health", "{\"status\":\"UP\"}");
		this.second.json("/actuator/health", "{\"status\":\"UP\"}");
		Run run = run("describe", "notes");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).contains("Endpoints: unknown").containsPattern("notes-1 .* UP +- +-");
		assertThat(run.err()).contains("warning: notes-1: the 'catalog' Actuator endpoint is not exposed at http://"
				+ "127.0.0.1:" + this.first.port() + "/actuator/catalog (404); add catalog to "
				+ "management.endpoints.web.exposure.include on that service");
	}

	@Test
	void describeFailsWhenNoInstanceActuatorAnswers() {
		int port = this.first.port();
		this.first.close();
		Run run = Run.of(new StaticDiscovery().add(this.first.instance("gone")).factory(), "describe", "gone");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.out()).contains("UNREACHABLE");
		assertThat(run.err()).contains("Actuator unreachable at http://127.0.0.1:" + port + "/actuator/health")
			.contains("phanes: No instance of gone answered on its Actuator");
	}

	@Test
	void aFailureWithJsonIsAJsonDocumentToo() throws Exception {
		Run run = run("describe", "nope", "--json");
		assertThat(run.exitCode()).isEqualTo(1);
		tools.jackson.databind.JsonNode error = Console.JSON.readTree(run.out());
		assertThat(error.path("error").asString()).contains("Unknown service 'nope'");
		assertThat(error.path("exitCode").asInt()).isEqualTo(1);
	}

	@Test
	void anUnknownServiceIsAnErrorListingTheKnownOnes() {
		Run run = run("describe", "nope");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.out()).isEmpty();
		assertThat(run.err()).contains("Unknown service 'nope'").contains("Known services: notes, users");
	}

	@Test
	void managementMetadataMovesTheActuator() {
		FakeInstance management = new FakeInstance("m");
		try (management) {
			management.json("/manage/health", "{\"status\":\"UP\"}");
			FakeInstance app = new FakeInstance("app-1", Map.of("management.port", String.valueOf(management.port()),
					"management.context-path", "/manage/"));
			try (app) {
				Run run = Run.of(new StaticDiscovery().add(app.instance("app")).factory(), "describe", "app");
				assertThat(run.out())
					.containsPattern("app-1 .* UP .*http://127.0.0.1:" + management.port() + "/manage");
				assertThat(app.requests()).isEmpty();
			}
		}
	}

	@Test
	void callSendsTheKeyInTheHashHeaderAndATraceparentWhoseTraceItPrints() {
		this.first.json("/instance", "{\"instanceId\":\"notes-1\"}");
		this.second.json("/instance", "{\"instanceId\":\"notes-2\"}");
		Run run = run("call", "notes", "get", "/instance", "--key", "alice", "--json");
		assertThat(run.exitCode()).isZero();
		JsonNode json = Console.JSON.readTree(run.out());
		String answered = json.path("instance").path("instanceId").stringValue();
		assertThat(json.path("body").path("instanceId").stringValue()).isEqualTo(answered);
		assertThat(json.path("status").intValue()).isEqualTo(200);
		FakeInstance called = answered.equals("notes-1") ? this.first : this.second;
		FakeInstance.Request request = called.requests().get(0);
		assertThat(request.method()).isEqualTo("GET");
		assertThat(request.header("X-Phanes-Key")).isEqualTo("alice");
		assertThat(request.header("traceparent"))
			.matches("00-" + json.path("traceId").stringValue() + "-[0-9a-f]{16}-01");
		assertThat(this.discovery.chosenFor.get(0).getHeaders().getFirst("X-Phanes-Key")).isEqualTo("alice");
		assertThat(this.discovery.chosenFor.get(0).getUrl().toString()).isEqualTo("http://notes/instance");
	}

	@Test
	void callPrintsStatusInstanceTraceAndBody() {
		this.first.answer("/notes", 201, "application/json", "{\"id\":\"n1\"}");
		Run run = run("call", "notes", "POST", "/notes", "{\"title\":\"t\"}", "-H",
				"traceparent: " + "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "-H", "X-User-Id: bob");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).startsWith("201 Created (")
			.contains("instance: notes-1 (127.0.0.1:" + this.first.port() + ")\n")
			.contains("trace:    0af7651916cd43dd8448eb211c80319c\n")
			.contains("\"id\" : \"n1\"");
		FakeInstance.Request request = this.first.requests().get(0);
		assertThat(request.body()).isEqualTo("{\"title\":\"t\"}");
		assertThat(request.header("Content-Type")).isEqualTo("application/json");
		assertThat(request.header("X-User-Id")).isEqualTo("bob");
	}

	@Test
	void callExitsWithOneOnAnErrorStatus() {
		this.first.answer("/boom", 500, "text/plain", "broken");
		Run run = run("call", "notes", "GET", "/boom");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.out()).startsWith("500 Internal Server Error").endsWith("\nbroken\n");
	}

	@Test
	void callPassesTheKeyHeaderToDiscovery() {
		this.first.json("/x", "{}");
		run("call", "notes", "GET", "/x", "--key-header", "X-User-Id");
		assertThat(this.discovery.openedWith.get(0)).containsEntry("phanes.loadbalancer.hash.header", "X-User-Id");
	}

	@Test
	void badArgumentsAreUsageErrors() {
		assertThat(run("call", "notes", "GET", "instance").err()).contains("PATH must start with '/'");
		assertThat(run("call", "notes", "GET", "instance").exitCode()).isEqualTo(2);
		assertThat(run("call", "notes", "GET", "/x", "-H", "no-colon").exitCode()).isEqualTo(2);
		assertThat(run("call", "notes", "GET", "/notes?q=a b").err()).contains("PATH is not a valid URI path");
		assertThat(run("call", "notes", "GET", "/x", "-H", "Connection: close").err())
			.contains("-H 'Connection' cannot be set");
		assertThat(run("call", "notes", "GET", "/x", "-H", "Connection: close").exitCode()).isEqualTo(2);
		assertThat(run("services", "--wait", "soon").err()).contains("'soon' is not a duration");
		assertThat(run("services", "--mdns-address", "eth0").err()).contains("--mdns-address must be an IP address");
		assertThat(run("services", "--mdns-address", "eth0").exitCode()).isEqualTo(2);
		assertThat(run("logs", "notes", "--limit", "0").exitCode()).isEqualTo(2);
		assertThat(run("frobnicate").exitCode()).isEqualTo(2);
		assertThat(run().exitCode()).isEqualTo(2);
		assertThat(this.discovery.openedWith).isEmpty();
	}

	@Test
	void logsMergesTheInstancesByTimeAndKeepsTheMostRecent() {
		this.first.json("/actuator/logs",
				logs(event("2026-01-01T10:00:01Z", "one"), event("2026-01-01T10:00:03Z", "three")));
		this.second.json("/actuator/logs", logs(event("2026-01-01T10:00:02Z", "two")));
		Run run = run("logs", "notes", "--limit", "2", "--level", "info");
		assertThat(run.exitCode()).isZero();
		String trace = " [trace 0af7651916cd43dd8448eb211c80319c]\n";
		assertThat(run.out()).isEqualTo("[notes-2] 2026-01-01T10:00:02Z INFO  dev.phanes.sample.NoteActivity - two"
				+ trace + "[notes-1] 2026-01-01T10:00:03Z INFO  dev.phanes.sample.NoteActivity - three" + trace);
		assertThat(this.first.requests().get(0).uri()).isEqualTo("/actuator/logs?limit=2&level=INFO");
		JsonNode json = Console.JSON.readTree(run("logs", "notes", "--json").out());
		assertThat(json.path("events")).hasSize(3);
		assertThat(json.path("events").get(0).path("instance").stringValue()).isEqualTo("notes-1");
		assertThat(json.path("events").get(0).path("message").stringValue()).isEqualTo("one");
	}

	@Test
	void logsWarnsOfAnInstanceThatDoesNotExposeThem() {
		this.first.json("/actuator/logs", logs(event("2026-01-01T10:00:01Z", "one")));
		Run run = run("logs", "notes");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).contains("- one");
		assertThat(run.err()).contains("notes-2: the 'logs' Actuator endpoint is not exposed")
			.contains("management.endpoints.web.exposure.include");
	}

	@Test
	void logsFollowShowsStreamedEventsOnceAsJsonLines() {
		String old = event("2026-01-01T10:00:01Z", "old");
		this.first.json("/actuator/logs", logs(old));
		this.second.json("/actuator/logs", logs());
		this.first.answer("/actuator/logs/stream", 200, "text/event-stream", "event:log\ndata:" + old
				+ "\n\n:keep-alive\n\nevent:log\ndata:" + event("2026-01-01T10:00:05Z", "new") + "\n\n");
		this.second.answer("/actuator/logs/stream", 200, "text/event-stream", "");
		Run run = run("logs", "notes", "--follow", "--json");
		assertThat(run.exitCode()).isEqualTo(1);
		List<tools.jackson.databind.JsonNode> lines = run.out().lines().map(Console.JSON::readTree).toList();
		assertThat(lines.subList(0, lines.size() - 1)).map((line) -> line.path("message").stringValue())
			.containsExactly("old", "new");
		// the failure that ends the command is one more JSON line
		assertThat(lines.get(lines.size() - 1).path("error").stringValue()).contains("Every log stream of notes ended");
		assertThat(run.err()).contains("Following the logs of 2 instance(s) of notes")
			.contains("phanes: Every log stream of notes ended");
	}

	private Run run(String... args) {
		return Run.of(this.discovery.factory(), args);
	}

	private static void serveActuator(FakeInstance instance) {
		instance.json("/actuator/health", "{\"status\":\"UP\",\"components\":{}}")
			.json("/actuator/info", "{\"build\":{\"version\":\"1.2.3\"}}")
			.json("/actuator/metrics/process.uptime",
					"{\"name\":\"process.uptime\",\"measurements\":[{\"statistic\":\"VALUE\",\"value\":3661.5}]}")
			.json("/actuator/catalog", CATALOG);
	}

	private static String logs(String... events) {
		return "{\"kept\":" + events.length + ",\"dropped\":0,\"events\":[" + String.join(",", events) + "]}";
	}

	private static String event(String timestamp, String message) {
		return "{\"timestamp\":\"" + timestamp + "\",\"level\":\"INFO\",\"logger\":\"dev.phanes.sample.NoteActivity\","
				+ "\"thread\":\"main\",\"message\":\"" + message
				+ "\",\"traceId\":\"0af7651916cd43dd8448eb211c80319c\","
				+ "\"spanId\":null,\"mdc\":{},\"throwable\":null}";
	}

}
