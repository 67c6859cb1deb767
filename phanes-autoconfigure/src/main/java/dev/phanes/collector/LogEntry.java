package dev.phanes.collector;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One log event as the {@link LogCollector} keeps it.
 *
 * @param timestamp when it was logged
 * @param level its level ({@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN},
 * {@code ERROR})
 * @param logger the logger's name
 * @param thread the thread that logged it
 * @param message the formatted message
 * @param traceId the trace id of the span current when it was logged, if any
 * @param spanId the span id of the span current when it was logged, if any
 * @param mdc the rest of the MDC
 * @param throwable the stack trace of the exception logged with it, if any
 */
public record LogEntry(Instant timestamp, String level, String logger, String thread, String message,
		@Nullable String traceId, @Nullable String spanId, Map<String, String> mdc, @Nullable String throwable) {

	/**
	 * Create an entry.
	 */
	public LogEntry {
		mdc = Map.copyOf(mdc);
	}

	/**
	 * An estimate of the heap this entry holds, in bytes: two bytes a character and a
	 * fixed cost per object, so that a buffer bounded by bytes stays near its bound.
	 * @return the estimated size
	 */
	public long estimatedSize() {
		long size = 120 + chars(this.level) + chars(this.logger) + chars(this.thread) + chars(this.message)
				+ chars(this.traceId) + chars(this.spanId) + chars(this.throwable);
		for (Map.Entry<String, String> entry : this.mdc.entrySet()) {
			size += 64 + chars(entry.getKey()) + chars(entry.getValue());
		}
		return size;
	}

	private static long chars(@Nullable String value) {
		return (value != null) ? 40 + 2L * value.length() : 0;
	}

}
