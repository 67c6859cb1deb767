package dev.phanes.collector;

import java.time.Duration;

import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The log collector's appender stays attached when Spring Boot re-initialises logging.
 */
class LogbackLogCollectorInstallerTests {

	private static final Logger logger = LoggerFactory.getLogger(LogbackLogCollectorInstallerTests.class);

	private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

	private final LogCollector collector = new LogCollector(1000, 1_000_000);

	private LogbackLogCollectorInstaller installer;

	@BeforeEach
	void install() {
		this.installer = new LogbackLogCollectorInstaller(this.context, this.collector);
		this.installer.install();
	}

	@AfterEach
	void close() {
		this.installer.close();
	}

	@Test
	void collectsWhatTheApplicationLogs() {
		logger.info("before any re-initialisation");
		assertThat(messages()).contains("before any re-initialisation");
	}

	@Test
	void keepsCollectingAfterSpringBootReinitialisesLogging() {
		LoggingSystem system = LoggingSystem.get(getClass().getClassLoader());
		// What a second application in the same JVM does once the first one's logging was
		// cleaned up: Boot stops and resets Logback's context, then configures it anew.
		system.cleanUp();
		system.beforeInitialize();
		system.initialize(new LoggingInitializationContext(new MockEnvironment()), null, null);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			logger.warn("after Boot re-initialised logging");
			assertThat(messages()).contains("after Boot re-initialised logging");
		});
		// and again, now that the installer registered itself anew
		system.cleanUp();
		system.beforeInitialize();
		system.initialize(new LoggingInitializationContext(new MockEnvironment()), null, null);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			logger.warn("after a second re-initialisation");
			assertThat(messages()).contains("after a second re-initialisation");
		});
	}

	@Test
	void keepsCollectingAfterTheLoggerContextIsReset() {
		this.context.reset();
		logger.error("after a reset");
		assertThat(messages()).contains("after a reset");
	}

	@Test
	void stopsCollectingOnceClosed() {
		this.installer.close();
		logger.error("after closing");
		this.context.reset();
		logger.error("after closing and a reset");
		assertThat(messages()).doesNotContain("after closing", "after closing and a reset");
	}

	private java.util.List<String> messages() {
		return this.collector.entries(LogFilter.ALL).stream().map(LogEntry::message).toList();
	}

}
