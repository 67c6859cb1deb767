package dev.phanes.collector;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the Phanes collectors.
 */
@ConfigurationProperties("phanes.collector")
public class CollectorProperties {

	/**
	 * Whether to auto-configure the collectors.
	 */
	private boolean enabled = true;

	private final Logs logs = new Logs();

	private final Traces traces = new Traces();

	private final Metrics metrics = new Metrics();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Logs getLogs() {
		return this.logs;
	}

	public Traces getTraces() {
		return this.traces;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	/**
	 * The log collector.
	 */
	public static class Logs {

		/**
		 * Whether to keep recent log events in memory (Logback only).
		 */
		private boolean enabled = true;

		/**
		 * Most log events kept; the oldest go first.
		 */
		private int maxEvents = 1000;

		/**
		 * Most memory the kept log events may hold (estimated); the oldest go first.
		 */
		private DataSize maxSize = DataSize.ofMegabytes(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxEvents() {
			return this.maxEvents;
		}

		public void setMaxEvents(int maxEvents) {
			this.maxEvents = maxEvents;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

	}

	/**
	 * The trace collector.
	 */
	public static class Traces {

		/**
		 * Whether to keep recent finished spans in memory (OpenTelemetry tracing only).
		 */
		private boolean enabled = true;

		/**
		 * Most spans kept, over all traces; the trace that received a span longest ago
		 * goes first, whole.
		 */
		private int maxSpans = 2000;

		/**
		 * Most memory the kept spans may hold (estimated).
		 */
		private DataSize maxSize = DataSize.ofMegabytes(2);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxSpans() {
			return this.maxSpans;
		}

		public void setMaxSpans(int maxSpans) {
			this.maxSpans = maxSpans;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

	}

	/**
	 * The rules of Phanes meters.
	 */
	public static class Metrics {

		/**
		 * Most distinct values of a tag that names something from outside the application
		 * (service, topic, source) on Phanes meters; meters with further values are not
		 * recorded, so that a busy network cannot flood the metrics backend.
		 */
		private int maxTagValues = 100;

		public int getMaxTagValues() {
			return this.maxTagValues;
		}

		public void setMaxTagValues(int maxTagValues) {
			this.maxTagValues = maxTagValues;
		}

	}

}
