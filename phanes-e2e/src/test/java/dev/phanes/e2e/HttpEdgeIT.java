package dev.phanes.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input at the HTTP edge of one sample-app process: an oversized body, invalid JSON,
 * hostile note ids and bad query parameters are each answered with a 4xx, never a 5xx or
 * a dropped connection, and the process is healthy afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpEdgeIT {

	private static final String EDGE = "4. Bad input at the HTTP edge";

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private SampleCluster cluster;

	private SampleProcess sample;

	@BeforeAll
	void startSample() {
		Path jar = Path.of(System.getProperty("e2e.sample-jar", "target/e2e/phanes-sample-app.jar"));
		assertThat(jar).as("the sample app's jar (copied by the build)").isRegularFile();
		String run = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
		this.cluster = new SampleCluster(jar, Figures.buildDirectory(), "phanes-edge-e2e-" + run,
				"phanes-edge-caller-e2e-" + run, List.of(), this.http);
		this.cluster.start(1, null);
		this.sample = this.cluster.backends().get(0);
	}

	@AfterAll
	void stopSample() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	void badInputIsAClientErrorAndLeavesTheProcessHealthy() throws IOException, InterruptedException {
		Map<String, HttpRequest> cases = new LinkedHashMap<>();
		cases.put("POST /notes, 2 MB body",
				json("/notes", "{\"title\":\"big\",\"body\":\"" + "a".repeat(2 << 20) + "\"}"));
		cases.put("POST /notes, invalid JSON", json("/notes", "{\"title\":"));
		cases.put("POST /notes, JSON of the wrong shape", json("/notes", "[1,2,3]"));
		cases.put("POST /notes, blank title", json("/notes", "{\"title\":\" \"}"));
		cases.put("POST /notes, text/plain",
				request("/notes").header("Content-Type", "text/plain")
					.POST(HttpRequest.BodyPublishers.ofString("hello"))
					.build());
		cases.put("GET /notes/%00", get("/notes/%00"));
		cases.put("GET /notes/..%2F..%2Fetc%2Fpasswd", get("/notes/..%2F..%2Fetc%2Fpasswd"));
		cases.put("GET /notes/../../etc/passwd", get("/notes/../../etc/passwd"));
		cases.put("GET /notes/%2E%2E", get("/notes/%2E%2E"));
		cases.put("GET /notes/<3,000 characters>", get("/notes/" + "x".repeat(3_000)));
		cases.put("GET /notes/<10,000 characters>", get("/notes/" + "x".repeat(10_000)));
		cases.put("PUT /notes/%00 with a stale If-Match",
				request("/notes/%00").header("If-Match", "\"1\"")
					.header("Content-Type", "application/json")
					.PUT(HttpRequest.BodyPublishers.ofString("{\"title\":\"t\"}"))
					.build());
		cases.put("DELETE /notes/x with a malformed If-Match",
				request("/notes/x").header("If-Match", "not-an-etag").DELETE().build());
		cases.put("GET /notes?limit=abc", get("/notes?limit=abc"));
		cases.put("GET /notes?limit=0", get("/notes?limit=0"));
		cases.put("GET /notes?limit=101", get("/notes?limit=101"));
		cases.put("GET /notes?limit=99999999999", get("/notes?limit=99999999999"));
		cases.put("GET /notes?offset=-1", get("/notes?offset=-1"));
		Map<String, String> answers = new LinkedHashMap<>();
		for (Map.Entry<String, HttpRequest> entry : cases.entrySet()) {
			answers.put(entry.getKey(), answer(entry.getValue()));
		}
		answers.forEach((name, answer) -> Figures.record(EDGE, name, answer));
		// A prefix is a filter, not an id: one no id can start with lists no notes (200).
		String nulPrefix = answer(get("/notes?prefix=%00"));
		Figures.record(EDGE, "GET /notes?prefix=%00 (a filter: 200 or 4xx)", nulPrefix);
		assertThat(nulPrefix).as("GET /notes?prefix=%00").matches("200|4\\d\\d");
		HttpResponse<String> health = this.http.send(get("/actuator/health"), HttpResponse.BodyHandlers.ofString());
		HttpResponse<String> instance = this.http.send(get("/instance"), HttpResponse.BodyHandlers.ofString());
		Figures.record(EDGE, "afterwards: GET /actuator/health, GET /instance", health.statusCode() + " "
				+ health.body().substring(0, Math.min(15, health.body().length())) + ", " + instance.statusCode());
		assertThat(answers).as("answers").allSatisfy((name, answer) -> assertThat(answer).as(name).matches("4\\d\\d"));
		assertThat(health.statusCode()).as("health afterwards").isEqualTo(200);
		assertThat(health.body()).contains("\"UP\"");
		assertThat(instance.statusCode()).as("GET /instance afterwards").isEqualTo(200);
		assertThat(this.sample.isAlive()).isTrue();
	}

	/**
	 * The status, or what happened instead of one.
	 */
	private String answer(HttpRequest request) throws InterruptedException {
		try {
			return String.valueOf(this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
		}
		catch (IOException ex) {
			return "no answer: " + ex;
		}
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create(this.sample.uri("") + path)).timeout(Duration.ofSeconds(30));
	}

	private HttpRequest get(String path) {
		return request(path).GET().build();
	}

	private HttpRequest json(String path, String body) {
		return request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
	}

}
