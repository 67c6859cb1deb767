package dev.phanes.benchmarks;

import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.phanes.collector.LogCollector;
import dev.phanes.collector.LogCollectorAppender;

/**
 * What the log collector costs per log line: one {@code logger.info} with two arguments
 * and a trace and span id in the MDC, appended by the {@link LogCollectorAppender} to a
 * {@link LogCollector} of 10,000 events (full, so each append also evicts), beside
 * Logback's plain console appender (an {@link OutputStreamAppender} with Spring Boot's
 * console pattern, writing to a null stream so that no terminal is timed). Each side has
 * its own Logback context holding only that appender. Average time per line, in
 * nanoseconds.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LogAppendBenchmark {

	/**
	 * Spring Boot's default console pattern, without colours.
	 */
	static final String BOOT_CONSOLE_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %5p %pid --- [%t] "
			+ "[%X{traceId:-},%X{spanId:-}] %-40.40logger{39} : %m%n";

	private LoggerContext consoleContext;

	private LoggerContext collectorContext;

	private Logger console;

	private Logger collector;

	private long sequence;

	/**
	 * Build both Logback contexts, and fill the collector.
	 */
	@Setup
	public void setUp() {
		this.consoleContext = context();
		PatternLayoutEncoder encoder = new PatternLayoutEncoder();
		encoder.setContext(this.consoleContext);
		encoder.setPattern(BOOT_CONSOLE_PATTERN);
		encoder.start();
		OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
		appender.setContext(this.consoleContext);
		appender.setEncoder(encoder);
		appender.setOutputStream(OutputStream.nullOutputStream());
		appender.start();
		this.console = logger(this.consoleContext, appender);

		this.collectorContext = context();
		LogCollectorAppender collecting = new LogCollectorAppender(new LogCollector(10_000, 64L * 1024 * 1024));
		collecting.setContext(this.collectorContext);
		collecting.start();
		this.collector = logger(this.collectorContext, collecting);
		for (int i = 0; i < 10_000; i++) {
			collectorLine();
		}
	}

	/**
	 * Stop both contexts.
	 */
	@TearDown
	public void tearDown() {
		this.consoleContext.stop();
		this.collectorContext.stop();
	}

	private static LoggerContext context() {
		LoggerContext context = new LoggerContext();
		context.setMDCAdapter(new LogbackMDCAdapter());
		context.start();
		context.getMDCAdapter().put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
		context.getMDCAdapter().put("spanId", "00f067aa0ba902b7");
		return context;
	}

	private static Logger logger(LoggerContext context, Appender<ILoggingEvent> appender) {
		Logger logger = context.getLogger("dev.phanes.sample.server.PeerController");
		logger.setLevel(Level.INFO);
		logger.setAdditive(false);
		logger.addAppender(appender);
		return logger;
	}

	/**
	 * Log one line through Logback's console appender to a null stream.
	 */
	@Benchmark
	public void consoleLine() {
		this.console.info("Created note {} for user {}", ++this.sequence, "user-42");
	}

	/**
	 * Log one line through the log collector's appender.
	 */
	@Benchmark
	public void collectorLine() {
		this.collector.info("Created note {} for user {}", ++this.sequence, "user-42");
	}

}
