package dev.phanes.discovery;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JmdnsLogThrottle}, on a Logback context of their own with a clock they
 * move by hand.
 */
class JmdnsLogThrottleTests {

	private final LoggerContext context = new LoggerContext();

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final AtomicLong now = new AtomicLong(1_700_000_000_000L);

	private JmdnsLogThrottle throttle;

	private Logger jmdns;

	@BeforeEach
	void setUp() {
		this.appender.setContext(this.context);
		this.appender.start();
		Logger root = this.context.getLogger(Logger.ROOT_LOGGER_NAME);
		root.setLevel(Level.INFO);
		root.addAppender(this.appender);
		this.throttle = new JmdnsLogThrottle(3, Duration.ofMinutes(1), this.now::get);
		this.throttle.setContext(this.context);
		this.throttle.start();
		this.context.addTurboFilter(this.throttle);
		this.jmdns = this.context.getLogger("javax.jmdns.impl.DNSIncoming");
	}

	@AfterEach
	void tearDown() {
		this.context.stop();
	}

	@Test
	void letsAFewEventsAMinuteThroughAndCountsTheRest() {
		for (int i = 0; i < 10; i++) {
			this.jmdns.warn("Corrupted DNSIncoming message {}", i, new IOException("bad"));
		}
		assertThat(jmdnsEvents()).hasSize(3);
		assertThat(this.throttle.passedCount()).isEqualTo(3);
		assertThat(this.throttle.suppressedCount()).isEqualTo(7);
		assertThat(summaries()).isEmpty();
	}

	@Test
	void summarizesTheSuppressedEventsWhenTheNextWindowStarts() {
		for (int i = 0; i < 10; i++) {
			this.jmdns.warn("bad packet {}", i);
		}
		this.now.addAndGet(Duration.ofSeconds(59).toMillis());
		this.jmdns.warn("still in the first window");
		assertThat(summaries()).isEmpty();
		this.now.addAndGet(Duration.ofSeconds(1).toMillis());
		this.jmdns.warn("in the second window");
		assertThat(summaries()).singleElement().satisfies((summary) -> {
			assertThat(summary.getLevel()).isEqualTo(Level.WARN);
			assertThat(summary.getFormattedMessage()).startsWith("Suppressed 8 JmDNS log events in the minute from ")
				.contains("at most 3 per minute");
		});
		assertThat(jmdnsEvents()).hasSize(4).last().satisfies((event) -> {
			assertThat(event.getFormattedMessage()).isEqualTo("in the second window");
		});
		assertThat(this.appender.list.indexOf(summaries().get(0)))
			.isLessThan(this.appender.list.indexOf(jmdnsEvents().get(3)));
	}

	@Test
	void flushSummarizesAWindowThatIsOverWithoutWaitingForAnotherEvent() {
		for (int i = 0; i < 5; i++) {
			this.jmdns.error("bad packet {}", i);
		}
		this.throttle.flush();
		assertThat(summaries()).isEmpty();
		this.now.addAndGet(Duration.ofMinutes(1).toMillis());
		this.throttle.flush();
		this.throttle.flush();
		assertThat(summaries()).singleElement().satisfies((summary) -> {
			assertThat(summary.getLevel()).isEqualTo(Level.ERROR);
			assertThat(summary.getFormattedMessage()).startsWith("Suppressed 2 JmDNS log events");
		});
	}

	@Test
	void noSummaryForAWindowWithoutSuppressedEvents() {
		this.jmdns.warn("one");
		this.now.addAndGet(Duration.ofMinutes(5).toMillis());
		this.jmdns.warn("two");
		this.throttle.flush();
		assertThat(summaries()).isEmpty();
		assertThat(jmdnsEvents()).hasSize(2);
	}

	@Test
	void summaryUsesTheHighestLevelSuppressed() {
		for (int i = 0; i < 3; i++) {
			this.jmdns.warn("fill the window");
		}
		this.jmdns.info("suppressed info");
		this.now.addAndGet(Duration.ofMinutes(1).toMillis());
		this.throttle.flush();
		assertThat(summaries()).singleElement().satisfies((summary) -> {
			assertThat(summary.getLevel()).isEqualTo(Level.INFO);
			assertThat(summary.getFormattedMessage()).startsWith("Suppressed 1 JmDNS log events");
		});
	}

	@Test
	void otherLoggersAreNotLimited() {
		Logger other = this.context.getLogger("dev.phanes.discovery.MdnsView");
		Logger lookalike = this.context.getLogger("javax.jmdnsx.Other");
		for (int i = 0; i < 20; i++) {
			other.warn("warning {}", i);
			lookalike.warn("warning {}", i);
		}
		assertThat(this.appender.list).hasSize(40);
		assertThat(this.throttle.passedCount()).isZero();
	}

	@Test
	void disabledAndDebugEventsDoNotUseTheBudget() {
		for (int i = 0; i < 20; i++) {
			assertThat(this.jmdns.isWarnEnabled()).isTrue();
			this.jmdns.debug("disabled at INFO {}", i);
		}
		this.jmdns.setLevel(Level.DEBUG);
		for (int i = 0; i < 20; i++) {
			this.jmdns.debug("enabled to diagnose {}", i);
		}
		assertThat(jmdnsEvents()).hasSize(20);
		assertThat(this.throttle.passedCount()).isZero();
		assertThat(this.throttle.suppressedCount()).isZero();
		for (int i = 0; i < 5; i++) {
			this.jmdns.warn("warning {}", i);
		}
		assertThat(this.throttle.passedCount()).isEqualTo(3);
	}

	@Test
	void stoppedFilterLetsEverythingThrough() {
		this.throttle.stop();
		for (int i = 0; i < 10; i++) {
			this.jmdns.warn("warning {}", i);
		}
		assertThat(jmdnsEvents()).hasSize(10);
	}

	@Test
	void installIsCountedAndUninstallRemovesTheFilterWithTheLastUser() {
		LoggerContext global = (LoggerContext) LoggerFactory.getILoggerFactory();
		JmdnsLogThrottle before = JmdnsLogThrottle.installed();
		JmdnsLogThrottle.install();
		JmdnsLogThrottle first = JmdnsLogThrottle.installed();
		JmdnsLogThrottle.install();
		assertThat(first).isNotNull();
		assertThat(JmdnsLogThrottle.installed()).isSameAs(first);
		assertThat(global.getTurboFilterList()).containsOnlyOnce(first);
		JmdnsLogThrottle.uninstall();
		assertThat(JmdnsLogThrottle.installed()).isSameAs(first);
		assertThat(global.getTurboFilterList()).contains(first);
		JmdnsLogThrottle.uninstall();
		if (before == null) {
			assertThat(JmdnsLogThrottle.installed()).isNull();
			assertThat(global.getTurboFilterList()).doesNotContain(first);
			JmdnsLogThrottle.uninstall();
			assertThat(JmdnsLogThrottle.installed()).isNull();
		}
	}

	private List<ILoggingEvent> jmdnsEvents() {
		return this.appender.list.stream().filter((event) -> event.getLoggerName().startsWith("javax.jmdns.")).toList();
	}

	private List<ILoggingEvent> summaries() {
		return this.appender.list.stream()
			.filter((event) -> event.getLoggerName().equals(JmdnsLogThrottle.class.getName()))
			.toList();
	}

}
