package dev.phanes.collector;

import java.time.Duration;

import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The tail of the {@code logs} endpoint as Server-Sent Events, at
 * {@code <management base path>/logs/stream}, on the management server (its own port if
 * {@code management.server.port} is set). A plain WebFlux route, present only while the
 * {@code logs} endpoint is exposed over HTTP and the application is reactive. Takes the
 * filters of the endpoint except {@code since} and {@code limit}. The logging thread only
 * queues an event; a slow client misses events rather than slowing the application down.
 * A stream starts with a comment (so its headers go out at once) and ends when the
 * application context closes, so that it never holds a graceful shutdown.
 */
@ManagementContextConfiguration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = Type.REACTIVE)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBean(LogCollector.class)
@ConditionalOnAvailableEndpoint(endpoint = LogsEndpoint.class)
public class LogStreamConfiguration {

	/**
	 * Events a stream holds for a client that reads slower than the application logs.
	 */
	static final int CLIENT_BUFFER = 1_000;

	@Bean
	OpenStreams phanesOpenLogStreams() {
		return new OpenStreams();
	}

	@Bean
	RouterFunction<ServerResponse> phanesLogStreamRoute(WebEndpointProperties properties, LogCollector collector,
			OpenStreams streams) {
		String path = properties.getBasePath() + "/logs/stream";
		return RouterFunctions.route().GET(path, (request) -> stream(request, collector, streams.closed())).build();
	}

	static Mono<ServerResponse> stream(ServerRequest request, LogCollector collector) {
		return stream(request, collector, Mono.never());
	}

	static Mono<ServerResponse> stream(ServerRequest request, LogCollector collector, Mono<Void> closed) {
		LogFilter filter;
		try {
			filter = LogFilter.of(request.queryParam("level").orElse(null), request.queryParam("logger").orElse(null),
					request.queryParam("traceId").orElse(null), null, null);
		}
		catch (InvalidFilterException ex) {
			return ServerResponse.badRequest().contentType(MediaType.TEXT_PLAIN).bodyValue(ex.getMessage() + "\n");
		}
		Flux<ServerSentEvent<LogEntry>> events = Flux.<LogEntry>create((sink) -> {
			LogCollector.Subscription subscription = collector.subscribe((entry) -> {
				if (filter.matches(entry)) {
					sink.next(entry);
				}
			});
			sink.onDispose(subscription::close);
		}, FluxSink.OverflowStrategy.BUFFER).onBackpressureBuffer(CLIENT_BUFFER, (dropped) -> {
		}, BufferOverflowStrategy.DROP_OLDEST).map((entry) -> ServerSentEvent.builder(entry).event("log").build());
		Flux<ServerSentEvent<LogEntry>> heartbeats = Flux.interval(Duration.ofSeconds(15))
			.map((tick) -> ServerSentEvent.<LogEntry>builder().comment("keep-alive").build());
		// A comment first, so that the response's headers go out at once and a client
		// knows it is subscribed; the stream ends when the application closes.
		Flux<ServerSentEvent<LogEntry>> opened = Flux
			.just(ServerSentEvent.<LogEntry>builder().comment("subscribed").build());
		return ServerResponse.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.body(Flux.concat(opened, Flux.merge(events, heartbeats)).takeUntilOther(closed), ServerSentEvent.class);
	}

}
