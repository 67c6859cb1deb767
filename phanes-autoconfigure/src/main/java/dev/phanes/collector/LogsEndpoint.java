package dev.phanes.collector;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code logs} Actuator endpoint: the recent log events the {@link LogCollector}
 * keeps, filtered by level, logger, trace id and time. Like every Actuator endpoint it is
 * not exposed over HTTP unless {@code management.endpoints.web.exposure.include} names
 * it; log lines may carry personal data, so secure it as such.
 */
@Endpoint(id = "logs")
public class LogsEndpoint {

	private final LogCollector collector;

	/**
	 * Create the endpoint.
	 * @param collector the events' source
	 */
	public LogsEndpoint(LogCollector collector) {
		this.collector = collector;
	}

	/**
	 * The kept events that match, oldest first.
	 * @param level the lowest level wanted
	 * @param logger a logger; its events and its children's match
	 * @param traceId a trace id
	 * @param since an ISO-8601 instant; older events do not match
	 * @param limit the most events returned (the most recent ones), 100 by default
	 * @return the events, and how many the collector holds and has dropped
	 */
	@ReadOperation
	public LogsDescriptor logs(@Nullable String level, @Nullable String logger, @Nullable String traceId,
			@Nullable String since, @Nullable Integer limit) {
		LogFilter filter;
		try {
			filter = LogFilter.of(level, logger, traceId, since, limit);
		}
		catch (InvalidFilterException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
		return new LogsDescriptor(this.collector.size(), this.collector.dropped(), this.collector.entries(filter));
	}

	/**
	 * What the endpoint returns.
	 *
	 * @param kept the number of events the collector holds
	 * @param dropped the number of events dropped to stay within its bounds
	 * @param events the matching events, oldest first
	 */
	public record LogsDescriptor(int kept, long dropped, List<LogEntry> events) {

	}

}
