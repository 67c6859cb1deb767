package dev.phanes.collector;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The log collector's buffer and filters, and its appender fed by a real Logback logger.
 */
class LogCollectorTests {

	private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

	@Test
	void keepsTheMostRecentEventsUpToItsCount() {
		LogCollector collector = new LogCollector(3, DataSize.ofMegabytes(1).toBytes());
		for (int i = 0; i < 5; i++) {
			collector.append(entry(Instant.EPOCH.plusSeconds(i), "INFO", "app", "event " + i, null));
		}
		assertThat(collector.entries(LogFilter.ALL)).extracting(LogEntry::message)
			.containsExactly("event 2", "event 3", "event 4");
		assertThat(collector.dropped()).isEqualTo(2);
	}

	@Test
	void keepsTheMostRecentEventsUpToItsBytes() {
		LogEntry one = entry(Instant.EPOCH, "INFO", "app", "x".repeat(1000), null);
		LogCollector collector = new LogCollector(1000, 3 * one.estimatedSize());
		for (int i = 0; i < 10; i++) {
			collector.append(entry(Instant.EPOCH.plusSeconds(i), "INFO", "app", "x".repeat(1000), null));
		}
		assertThat(collector.size()).isEqualTo(3);
		assertThat(collector.bytes()).isLessThanOrEqualTo(3 * one.estimatedSize());
		assertThat(collector.entries(LogFilter.ALL)).extracting(LogEntry::timestamp)
			.containsExactly(Instant.EPOCH.plusSeconds(7), Instant.EPOCH.plusSeconds(8), Instant.EPOCH.plusSeconds(9));
	}

	@Test
	void dropsAnEventLargerThanTheWholeBufferAndKeepsTheOthers() {
		LogCollector collector = new LogCollector(10, 2000);
		collector.append(entry(Instant.EPOCH, "INFO", "app", "small", null));
		collector.append(entry(Instant.EPOCH, "INFO", "app", "x".repeat(5000), null));
		assertThat(collector.entries(LogFilter.ALL)).extracting(LogEntry::message).containsExactly("small");
		assertThat(collector.dropped()).isOne();
	}

	@Test
	void filtersByLevelLoggerTraceAndTime() {
		LogCollector collector = new LogCollector(100, DataSize.ofMegabytes(1).toBytes());
		collector.append(entry(Instant.parse("2026-01-01T10:00:00Z"), "DEBUG", "com.example.web", "debug", TRACE));
		collector.append(entry(Instant.parse("2026-01-01T10:01:00Z"), "WARN", "com.example.web.Filter", "warn", null));
		collector.append(entry(Instant.parse("2026-01-01T10:02:00Z"), "ERROR", "com.example.webflux", "error", TRACE));
		collector.append(entry(Instant.parse("2026-01-01T10:03:00Z"), "INFO", "org.other", "info", TRACE));
		assertThat(messages(collector, LogFilter.of("warn", null, null, null, null))).containsExactly("warn", "error");
		assertThat(messages(collector, LogFilter.of(null, "com.example.web", null, null, null)))
			.containsExactly("debug", "warn");
		assertThat(messages(collector, LogFilter.of(null, null, TRACE, null, null))).containsExactly("debug", "error",
				"info");
		assertThat(messages(collector, LogFilter.of(null, null, null, "2026-01-01T10:02:00Z", null)))
			.containsExactly("error", "info");
		assertThat(messages(collector, LogFilter.of(null, null, null, null, 2))).containsExactly("error", "info");
	}

	@Test
	void rejectsFiltersItCannotUnderstand() {
		assertThatExceptionOfType(InvalidFilterException.class)
			.isThrownBy(() -> LogFilter.of("LOUD", null, null, null, null))
			.withMessageContaining("level must be one of");
		assertThatExceptionOfType(InvalidFilterException.class)
			.isThrownBy(() -> LogFilter.of(null, null, "not-a-trace", null, null))
			.withMessageContaining("traceId must be 32 lowercase hexadecimal digits");
		assertThatExceptionOfType(InvalidFilterException.class)
			.isThrownBy(() -> LogFilter.of(null, null, null, "yesterday", null))
			.withMessageContaining("since must be an ISO-8601 instant");
		assertThatExceptionOfType(InvalidFilterException.class)
			.isThrownBy(() -> LogFilter.of(null, null, null, null, 0))
			.withMessageContaining("limit must be between 1 and");
	}

	@Test
	void tellsSubscribersOfEachEventUntilTheyUnsubscribe() {
		LogCollector collector = new LogCollector(10, 100_000);
		List<String> seen = new java.util.ArrayList<>();
		LogCollector.Subscription subscription = collector.subscribe((entry) -> seen.add(entry.message()));
		collector.append(entry(Instant.EPOCH, "INFO", "app", "one", null));
		subscription.close();
		collector.append(entry(Instant.EPOCH, "INFO", "app", "two", null));
		assertThat(seen).containsExactly("one");
	}

	@Test
	void aMillionEventsThroughLogbackIntoATenThousandEventBufferKeepMemoryFlat() {
		LoggerContext context = new LoggerContext();
		context.setMDCAdapter(new LogbackMDCAdapter());
		LogCollector collector = new LogCollector(10_000, DataSize.ofMegabytes(64).toBytes());
		LogbackLogCollectorInstaller installer = new LogbackLogCollectorInstaller(context, collector);
		installer.install();
		Logger logger = context.getLogger("bounded.memory");
		logger.setLevel(Level.INFO);
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 100_000; i++) {
			logger.info("event {} of a flood that must not grow the heap", i);
		}
		long afterTenth = usedHeapAfterGc(memory);
		for (int i = 100_000; i < 1_000_000; i++) {
			logger.info("event {} of a flood that must not grow the heap", i);
		}
		long afterAll = usedHeapAfterGc(memory);
		installer.close();
		assertThat(collector.size()).isEqualTo(10_000);
		assertThat(collector.dropped()).isEqualTo(990_000);
		assertThat(collector.entries(LogFilter.of(null, null, null, null, 1))).extracting(LogEntry::message)
			.containsExactly("event 999999 of a flood that must not grow the heap");
		// 900,000 more events kept would take hundreds of megabytes; a flat buffer adds
		// nothing but noise.
		assertThat(afterAll - afterTenth).isLessThan(DataSize.ofMegabytes(16).toBytes());
	}

	private static long usedHeapAfterGc(MemoryMXBean memory) {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	private static List<String> messages(LogCollector collector, LogFilter filter) {
		return collector.entries(filter).stream().map(LogEntry::message).toList();
	}

	static LogEntry entry(Instant timestamp, String level, String logger, String message, @Nullable String traceId) {
		return new LogEntry(timestamp, level, logger, "main", message, traceId, null, Map.of(), null);
	}

}
