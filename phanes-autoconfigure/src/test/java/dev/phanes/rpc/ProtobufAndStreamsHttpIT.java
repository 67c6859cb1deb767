package dev.phanes.rpc;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import com.google.protobuf.Struct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.reactive.function.client.support.WebClientAdapter;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @HttpExchange} clients on a {@code @LoadBalanced} WebClient calling two real
 * WebFlux instances by service name: protobuf messages negotiated as JSON (the default)
 * or binary protobuf in both directions, a malformed protobuf body answered with 400, and
 * server streams as SSE and NDJSON that outlast the balancer's per-attempt response
 * timeout without being cut.
 */
class ProtobufAndStreamsHttpIT {

	private static final int TICKS = 250;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	private static ConfigurableApplicationContext client;

	private static Echo echo;

	@BeforeAll
	static void start() {
		first = server("first");
		second = server("second");
		String simple = "spring.cloud.discovery.client.simple.instances.";
		client = new SpringApplicationBuilder(ClientApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "phanes.loadbalancer.response-timeout=1s",
					simple + "protobuf-echo[0].uri=http://127.0.0.1:" + port(first),
					simple + "protobuf-echo[1].uri=http://127.0.0.1:" + port(second))
			.run();
		WebClient web = client.getBean(WebClient.Builder.class).baseUrl("http://protobuf-echo").build();
		echo = HttpServiceProxyFactory.builderFor(WebClientAdapter.create(web)).build().createClient(Echo.class);
	}

	@AfterAll
	static void stop() {
		client.close();
		first.close();
		second.close();
	}

	@Test
	void protobufMessagesTravelAsJsonByDefault() {
		ResponseEntity<Struct> answer = echo.json(request()).block(Duration.ofSeconds(10));
		assertThat(answer.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_JSON)).isTrue();
		assertThat(field(answer.getBody(), "receivedAs")).startsWith(MediaType.APPLICATION_JSON_VALUE);
		assertThat(field(answer.getBody(), "text")).isEqualTo("hello");
	}

	@Test
	void protobufMessagesTravelAsBinaryProtobufWhenAsked() {
		ResponseEntity<Struct> answer = echo.protobuf(request()).block(Duration.ofSeconds(10));
		assertThat(answer.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROTOBUF)).isTrue();
		assertThat(field(answer.getBody(), "receivedAs")).startsWith(MediaType.APPLICATION_PROTOBUF_VALUE);
		assertThat(field(answer.getBody(), "text")).isEqualTo("hello");
	}

	@Test
	void aJsonRequestCanAskForAProtobufAnswerAndTheOtherWayRound() {
		ResponseEntity<Struct> protobufAnswer = echo.jsonInProtobufOut(request()).block(Duration.ofSeconds(10));
		assertThat(protobufAnswer.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROTOBUF))
			.isTrue();
		assertThat(field(protobufAnswer.getBody(), "receivedAs")).startsWith(MediaType.APPLICATION_JSON_VALUE);
		ResponseEntity<Struct> jsonAnswer = echo.protobufInJsonOut(request()).block(Duration.ofSeconds(10));
		assertThat(jsonAnswer.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_JSON)).isTrue();
		assertThat(field(jsonAnswer.getBody(), "receivedAs")).startsWith(MediaType.APPLICATION_PROTOBUF_VALUE);
	}

	@Test
	void aMalformedProtobufBodyIsABadRequest() {
		WebClient web = client.getBean(WebClient.Builder.class).build();
		for (byte[] body : List.of(new byte[] { (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff },
				new byte[] { 0x0a, 0x7f, 0x01 })) {
			assertThatExceptionOfType(WebClientResponseException.class)
				.isThrownBy(() -> web.post()
					.uri("http://protobuf-echo/echo")
					.contentType(MediaType.APPLICATION_PROTOBUF)
					.bodyValue(body)
					.retrieve()
					.toBodilessEntity()
					.block(Duration.ofSeconds(10)))
				.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST));
		}
		assertThatExceptionOfType(WebClientResponseException.class)
			.isThrownBy(() -> web.post()
				.uri("http://protobuf-echo/echo")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"fields\": [")
				.retrieve()
				.toBodilessEntity()
				.block(Duration.ofSeconds(10)))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST));
	}

	@Test
	void serverSentEventsStreamEveryElementInOrderPastTheResponseTimeout() {
		List<Tick> ticks = echo.ticksAsEvents().collectList().block(Duration.ofSeconds(30));
		assertThat(ticks).extracting(Tick::n).containsExactlyElementsOf(IntStream.range(0, TICKS).boxed().toList());
		assertThat(ticks).extracting(Tick::instance).containsOnly(ticks.get(0).instance());
	}

	@Test
	void ndjsonStreamsEveryElementInOrderPastTheResponseTimeout() {
		List<Tick> ticks = echo.ticksAsNdjson().collectList().block(Duration.ofSeconds(30));
		assertThat(ticks).extracting(Tick::n).containsExactlyElementsOf(IntStream.range(0, TICKS).boxed().toList());
	}

	private static Struct request() {
		return Struct.newBuilder()
			.putFields("text", com.google.protobuf.Value.newBuilder().setStringValue("hello").build())
			.build();
	}

	private static String field(Struct struct, String name) {
		return struct.getFieldsOrThrow(name).getStringValue();
	}

	private static ConfigurableApplicationContext server(String name) {
		return new SpringApplicationBuilder(ServerApplication.class)
			.properties("spring.main.banner-mode=off", "server.port=0", "server.address=127.0.0.1",
					"phanes.test.name=" + name, "spring.cloud.service-registry.auto-registration.enabled=false")
			.run();
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	/**
	 * One element of a stream.
	 *
	 * @param n its place
	 * @param instance the instance that sent it
	 */
	record Tick(int n, String instance) {

	}

	/**
	 * The client, as an application would declare it.
	 */
	interface Echo {

		@PostExchange(url = "/echo", contentType = MediaType.APPLICATION_JSON_VALUE,
				accept = MediaType.APPLICATION_JSON_VALUE)
		Mono<ResponseEntity<Struct>> json(@RequestBody Struct request);

		@PostExchange(url = "/echo", contentType = MediaType.APPLICATION_PROTOBUF_VALUE,
				accept = MediaType.APPLICATION_PROTOBUF_VALUE)
		Mono<ResponseEntity<Struct>> protobuf(@RequestBody Struct request);

		@PostExchange(url = "/echo", contentType = MediaType.APPLICATION_JSON_VALUE,
				accept = MediaType.APPLICATION_PROTOBUF_VALUE)
		Mono<ResponseEntity<Struct>> jsonInProtobufOut(@RequestBody Struct request);

		@PostExchange(url = "/echo", contentType = MediaType.APPLICATION_PROTOBUF_VALUE,
				accept = MediaType.APPLICATION_JSON_VALUE)
		Mono<ResponseEntity<Struct>> protobufInJsonOut(@RequestBody Struct request);

		@GetExchange(url = "/ticks", accept = MediaType.TEXT_EVENT_STREAM_VALUE)
		Flux<Tick> ticksAsEvents();

		@GetExchange(url = "/ticks", accept = MediaType.APPLICATION_NDJSON_VALUE)
		Flux<Tick> ticksAsNdjson();

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
	static class ClientApplication {

		@Bean
		@LoadBalanced
		WebClient.Builder loadBalanced() {
			return WebClient.builder();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
	static class ServerApplication {

		@Bean
		EchoController echoController(@Value("${phanes.test.name}") String name) {
			return new EchoController(name);
		}

	}

	@RestController
	static class EchoController {

		private final String name;

		EchoController(String name) {
			this.name = name;
		}

		@PostMapping(path = "/echo",
				consumes = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROTOBUF_VALUE },
				produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROTOBUF_VALUE })
		Struct echo(@RequestBody Struct body, @RequestHeader("Content-Type") String contentType) {
			return body.toBuilder()
				.putFields("receivedAs", com.google.protobuf.Value.newBuilder().setStringValue(contentType).build())
				.putFields("instance", com.google.protobuf.Value.newBuilder().setStringValue(this.name).build())
				.build();
		}

		@GetMapping(path = "/ticks",
				produces = { MediaType.TEXT_EVENT_STREAM_VALUE, MediaType.APPLICATION_NDJSON_VALUE })
		Flux<Tick> ticks() {
			// 250 elements 8 ms apart: two seconds in all, past the 1 s response timeout.
			return Flux.range(0, TICKS).delayElements(Duration.ofMillis(8)).map((n) -> new Tick(n, this.name));
		}

	}

}
