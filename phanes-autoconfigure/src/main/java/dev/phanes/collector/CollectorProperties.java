package dev.phanes.collector;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of the Phanes collectors.
 */
@ConfigurationProperties("phanes.collector")
public class CollectorProperties implements Validator {

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

	@Override
	public boolean supports(Class<?> type) {
		return CollectorProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values at binding, so that an invalid one fails start-up naming the
	 * property, its value and what it must be.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		if (this.logs.getMaxEvents() < 1) {
			errors.rejectValue("logs.maxEvents", "invalid", "must be at least 1");
		}
		if (this.logs.getMaxSize().toBytes() < 1) {
			errors.rejectValue("logs.maxSize", "invalid", "must be a positive size");
		}
		if (this.traces.getMaxSpans() < 1) {
			errors.rejectValue("traces.maxSpans", "invalid", "must be at least 1");
		}
		if (this.traces.getMaxSize().toBytes() < 1) {
			errors.rejectValue("traces.maxSize", "invalid", "must be a positive size");
		}
		if (this.metrics.getMaxTagValues() < 1) {
			errors.rejectValue("metrics.maxTagValues", "invalid", "must be at least 1");
		}
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
