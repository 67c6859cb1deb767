package dev.phanes.collector;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Which kept log events to read: at or above a level, from a logger or its children, of
 * one trace, since a time; at most {@code limit} of the most recent.
 *
 * @param level the lowest level wanted, or {@code null} for all
 * @param logger a logger name; its events and those of its children match, or
 * {@code null} for all
 * @param traceId a trace id, or {@code null} for all
 * @param since the earliest time wanted (inclusive), or {@code null} for all
 * @param limit the most events returned
 */
public record LogFilter(@Nullable String level, @Nullable String logger, @Nullable String traceId,
		@Nullable Instant since, int limit) {

	/**
	 * The levels from lowest to highest.
	 */
	static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

	/**
	 * The most events one read returns.
	 */
	public static final int MAX_LIMIT = 10_000;

	/**
	 * Everything kept, up to the largest limit.
	 */
	public static final LogFilter ALL = new LogFilter(null, null, null, null, MAX_LIMIT);

	/**
	 * Create a filter.
	 */
	public LogFilter {
		if (level != null && !LEVELS.contains(level)) {
			throw new InvalidFilterException("level must be one of " + LEVELS + ", not '" + level + "'");
		}
		if (traceId != null && !TraceIds.isValid(traceId)) {
			throw new InvalidFilterException("traceId must be 32 lowercase hexadecimal digits, not '" + traceId + "'");
		}
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new InvalidFilterException("limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
		}
	}

	/**
	 * Read a filter from request parameters, checking each.
	 * @param level a level name, in any case
	 * @param logger a logger name
	 * @param traceId a trace id
	 * @param since an ISO-8601 instant such as {@code 2026-01-31T12:00:00Z}
	 * @param limit the most events returned, {@code 100} if {@code null}
	 * @return the filter
	 * @throws InvalidFilterException if a parameter is not understood
	 */
	public static LogFilter of(@Nullable String level, @Nullable String logger, @Nullable String traceId,
			@Nullable String since, @Nullable Integer limit) {
		Instant from = null;
		if (since != null) {
			try {
				from = Instant.parse(since);
			}
			catch (DateTimeParseException ex) {
				throw new InvalidFilterException(
						"since must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, not '" + since + "'");
			}
		}
		return new LogFilter((level != null) ? level.toUpperCase(Locale.ROOT) : null, blankToNull(logger),
				blankToNull(traceId), from, (limit != null) ? limit : 100);
	}

	private static @Nullable String blankToNull(@Nullable String value) {
		return (value == null || value.isBlank()) ? null : value.strip();
	}

	/**
	 * Whether an event matches.
	 * @param entry the event
	 * @return whether it passes every condition
	 */
	public boolean matches(LogEntry entry) {
		return (this.level == null || LEVELS.indexOf(entry.level()) >= LEVELS.indexOf(this.level))
				&& (this.logger == null || entry.logger().equals(this.logger)
						|| entry.logger().startsWith(this.logger + "."))
				&& (this.traceId == null || this.traceId.equals(entry.traceId()))
				&& (this.since == null || !entry.timestamp().isBefore(this.since));
	}

}
