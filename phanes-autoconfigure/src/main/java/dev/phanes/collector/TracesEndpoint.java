package dev.phanes.collector;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code traces} Actuator endpoint: the recent traces the {@link TraceCollector}
 * keeps, and one of them as a tree of spans with their durations. Not exposed over HTTP
 * unless {@code management.endpoints.web.exposure.include} names it; span attributes may
 * carry personal data, so secure it as such.
 */
@Endpoint(id = "traces")
public class TracesEndpoint {

	/**
	 * The most traces one listing returns.
	 */
	public static final int MAX_LIMIT = 1_000;

	private final TraceCollector collector;

	/**
	 * Create the endpoint.
	 * @param collector the traces' source
	 */
	public TracesEndpoint(TraceCollector collector) {
		this.collector = collector;
	}

	/**
	 * The kept traces, the one that received a span last first.
	 * @param limit the most traces returned, 50 by default
	 * @return their summaries
	 */
	@ReadOperation
	public TracesDescriptor traces(@Nullable Integer limit) {
		int most = (limit != null) ? limit : 50;
		if (most < 1 || most > MAX_LIMIT) {
			String message = "limit must be between 1 and " + MAX_LIMIT + ", not " + limit;
			throw new InvalidEndpointRequestException(message, message);
		}
		return new TracesDescriptor(this.collector.spanCount(), this.collector.dropped(), this.collector.traces(most));
	}

	/**
	 * One kept trace as a tree.
	 * @param traceId the trace id
	 * @return the trace, or {@code null} (404) if it is not kept
	 */
	@ReadOperation
	public TraceCollector.@Nullable TraceTree trace(@Selector String traceId) {
		if (!TraceIds.isValid(traceId)) {
			String message = "The trace id must be 32 lowercase hexadecimal digits, not '" + traceId + "'";
			throw new InvalidEndpointRequestException(message, message);
		}
		return this.collector.trace(traceId);
	}

	/**
	 * What the listing returns.
	 *
	 * @param spans the number of spans the collector holds
	 * @param dropped the number of spans dropped to stay within its bounds
	 * @param traces the kept traces, most recent first
	 */
	public record TracesDescriptor(int spans, long dropped, List<TraceCollector.TraceSummary> traces) {

	}

}
