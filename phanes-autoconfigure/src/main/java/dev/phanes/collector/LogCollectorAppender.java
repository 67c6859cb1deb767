package dev.phanes.collector;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.UnsynchronizedAppenderBase;

/**
 * A Logback appender that hands each event to a {@link LogCollector}, the trace and span
 * ids of the MDC apart. The auto-configuration attaches one to the root logger and keeps
 * it there; attach one yourself only to collect a Logback context of your own.
 */
public class LogCollectorAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

	/**
	 * The appender's name in the Logback configuration.
	 */
	public static final String NAME = "PHANES_LOG_COLLECTOR";

	private final LogCollector collector;

	/**
	 * Create an appender.
	 * @param collector where events go
	 */
	public LogCollectorAppender(LogCollector collector) {
		this.collector = collector;
		setName(NAME);
	}

	@Override
	protected void append(ILoggingEvent event) {
		this.collector.append(entry(event));
	}

	static LogEntry entry(ILoggingEvent event) {
		Map<String, String> mdc = new HashMap<>(event.getMDCPropertyMap());
		String traceId = mdc.remove("traceId");
		String spanId = mdc.remove("spanId");
		IThrowableProxy throwable = event.getThrowableProxy();
		return new LogEntry(Instant.ofEpochMilli(event.getTimeStamp()), event.getLevel().toString(),
				event.getLoggerName(), event.getThreadName(), event.getFormattedMessage(), traceId, spanId, mdc,
				(throwable != null) ? ThrowableProxyUtil.asString(throwable) : null);
	}

}
