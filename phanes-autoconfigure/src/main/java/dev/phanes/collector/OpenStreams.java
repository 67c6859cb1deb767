package dev.phanes.collector;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Ends the log streams when their application context closes: a stream never ends by
 * itself, and an open one would hold the web server's graceful shutdown for its whole
 * timeout. The context's closing is published before its web server stops.
 */
class OpenStreams implements ApplicationListener<ContextClosedEvent> {

	private final Sinks.Empty<Void> closed = Sinks.empty();

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		this.closed.tryEmitEmpty();
	}

	/**
	 * Completes when the context closes.
	 * @return the signal
	 */
	Mono<Void> closed() {
		return this.closed.asMono();
	}

}
