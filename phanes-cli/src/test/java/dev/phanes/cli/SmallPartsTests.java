package dev.phanes.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import org.springframework.cloud.client.DefaultServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The command's small parts: tables, durations, trace headers, management addresses,
 * event streams and log lines.
 */
class SmallPartsTests {

	@Test
	void tableAlignsColumnsAndShowsEmptyCellsAsDashes() {
		String table = new TextTable("SERVICE", "INSTANCES").add("notes", "12").add("a", "").render();
		assertThat(table).isEqualTo("SERVICE  INSTANCES\nnotes    12\na        -\n");
	}

	@Test
	void durationsAreReadLikeSpringBootPropertiesWithBareNumbersInSeconds() {
		DurationConverter converter = new DurationConverter();
		assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
		assertThat(converter.convert("3")).isEqualTo(Duration.ofSeconds(3));
		assertThat(converter.convert("PT1M")).isEqualTo(Duration.ofMinutes(1));
		assertThatExceptionOfType(TypeConversionException.class).isThrownBy(() -> converter.convert("-1s"));
		assertThatExceptionOfType(TypeConversionException.class).isThrownBy(() -> converter.convert("later"));
		assertThat(Console.format(Duration.ofSeconds(2))).isEqualTo("2s");
		assertThat(Console.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
	}

	@Test
	void uptimeIsShortAndReadable() {
		assertThat(Console.uptime(12.7)).isEqualTo("12s");
		assertThat(Console.uptime(249)).isEqualTo("4m 09s");
		assertThat(Console.uptime(7500)).isEqualTo("2h 05m");
		assertThat(Console.uptime(273_600)).isEqualTo("3d 4h");
	}

	@Test
	void traceParentIsAValidW3cHeader() {
		TraceParent parent = TraceParent.random(new SplittableRandom(42));
		assertThat(parent.header()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
		assertThat(TraceParent.traceIdOf(parent.header())).isEqualTo(parent.traceId());
		assertThat(TraceParent.traceIdOf("00-00000000000000000000000000000000-b7ad6b7169203331-01")).isNull();
		assertThat(TraceParent.traceIdOf("not a traceparent")).isNull();
	}

	@Test
	void managementAddressDefaultsToTheInstanceAndActuator() {
		DefaultServiceInstance plain = new DefaultServiceInstance("a-1", "a", "10.0.0.5", 8080, false, Map.of());
		assertThat(ManagementAddress.of(plain).resolve("health", null))
			.hasToString("http://10.0.0.5:8080/actuator/health");
		DefaultServiceInstance moved = new DefaultServiceInstance("a-2", "a", "::1", 8443, true,
				Map.of("management.port", "9000", "management.context-path", "manage", "management.scheme", "http"));
		assertThat(ManagementAddress.of(moved).resolve("logs", "limit=5"))
			.hasToString("http://[::1]:9000/manage/logs?limit=5");
	}

	@Test
	void serverSentEventsAreDispatchedOnBlankLines() {
		List<String> events = new ArrayList<>();
		ServerSentEvents reader = new ServerSentEvents((name, data) -> events.add(name + "=" + data));
		for (String line : List.of(": keep-alive", "", "event:log", "data: {\"a\":1}", "", "data:x", "data:y", "",
				"event:log", "")) {
			reader.line(line);
		}
		assertThat(events).containsExactly("log={\"a\":1}", "message=x\ny");
	}

	@Test
	void longLoggerNamesAreAbbreviatedFromTheLeft() {
		assertThat(InstanceLogEntry.abbreviate("dev.phanes.sample.NoteActivity"))
			.isEqualTo("dev.phanes.sample.NoteActivity");
		assertThat(InstanceLogEntry.abbreviate("org.springframework.grpc.server.lifecycle.GrpcServerLifecycle"))
			.isEqualTo("o.s.g.s.l.GrpcServerLifecycle");
	}

	@Test
	void prometheusUptimeIsTheFirstProcessUptimeSample() {
		assertThat(ActuatorClient.prometheusUptime(
				"# TYPE process_uptime_seconds gauge\n" + "process_uptime_seconds{application=\"x\"} 12.5\n"))
			.isEqualTo(12.5);
		assertThat(ActuatorClient.prometheusUptime("jvm_threads 3\n")).isNull();
	}

}
