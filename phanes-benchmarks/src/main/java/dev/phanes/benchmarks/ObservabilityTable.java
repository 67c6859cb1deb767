package dev.phanes.benchmarks;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * The tables of {@link ObservationOverheadBenchmark} and {@link LogAppendBenchmark}: the
 * nanoseconds observation adds to a store write and to an in-process publish with metrics
 * only (goal under {@value #GOAL_NANOS} ns) and with tracing, and the log collector's
 * cost per line beside Logback's console appender. {@link Ratios} writes them between its
 * observability markers.
 */
final class ObservabilityTable {

	/**
	 * Most nanoseconds metrics may add to a store write or an in-process publish.
	 */
	static final double GOAL_NANOS = 1000;

	private ObservabilityTable() {
	}

	/**
	 * Build the tables from a run's results.
	 * @param results the JMH results
	 * @return the markdown, empty if the run has neither benchmark
	 */
	static String table(JsonNode results) {
		Map<String, JsonNode> byName = new LinkedHashMap<>();
		for (JsonNode result : results) {
			byName.put(result.get("benchmark").asString(), result);
		}
		StringBuilder markdown = new StringBuilder();
		JsonNode first = null;
		String observation = ObservationOverheadBenchmark.class.getName() + ".";
		JsonNode noop = byName.get(observation + "noopWrite");
		JsonNode metrics = byName.get(observation + "metricsWrite");
		JsonNode tracing = byName.get(observation + "tracingWrite");
		JsonNode noLongTask = byName.get(observation + "metricsWithoutLongTaskTimerWrite");
		JsonNode defaultHandler = byName.get(observation + "defaultHandlerMetricsWrite");
		if (noop != null && metrics != null && tracing != null && noLongTask != null && defaultHandler != null) {
			first = noop;
			double base = score(noop);
			double metricsAdded = score(metrics) - base;
			markdown.append("| Store write (memory) | ns/op | Added to NOOP (ns) | Ratio to NOOP | Goal |\n")
				.append("|---|--:|--:|--:|---|\n")
				.append(row("`ObservationRegistry.NOOP`", noop, Double.NaN, 1, "baseline"))
				.append(row("metrics only", metrics, metricsAdded, score(metrics) / base, goal(metricsAdded)))
				.append(row("metrics only, no long-task timer", noLongTask, score(noLongTask) - base,
						score(noLongTask) / base, "–"))
				.append(row("metrics and tracing (100 % sampled)", tracing, score(tracing) - base,
						score(tracing) / base, "–"))
				.append(row("metrics only, Micrometer's default handler alone (before)", defaultHandler,
						score(defaultHandler) - base, score(defaultHandler) / base, "–"));
		}
		JsonNode noopPublish = byName.get(observation + "noopPublish");
		JsonNode metricsPublish = byName.get(observation + "metricsPublish");
		JsonNode tracingPublish = byName.get(observation + "tracingPublish");
		if (noopPublish != null && metricsPublish != null && tracingPublish != null) {
			first = (first != null) ? first : noopPublish;
			if (!markdown.isEmpty()) {
				markdown.append('\n');
			}
			double base = score(noopPublish);
			double metricsAdded = score(metricsPublish) - base;
			markdown.append("| In-process publish | ns/op | Added to NOOP (ns) | Ratio to NOOP | Goal |\n")
				.append("|---|--:|--:|--:|---|\n")
				.append(row("`ObservationRegistry.NOOP`, no meter registry", noopPublish, Double.NaN, 1, "baseline"))
				.append(row("metrics only", metricsPublish, metricsAdded, score(metricsPublish) / base,
						goal(metricsAdded)))
				.append(row("metrics and tracing (100 % sampled)", tracingPublish, score(tracingPublish) - base,
						score(tracingPublish) / base, "–"));
		}
		String logs = LogAppendBenchmark.class.getName() + ".";
		JsonNode console = byName.get(logs + "consoleLine");
		JsonNode collector = byName.get(logs + "collectorLine");
		if (console != null && collector != null) {
			first = (first != null) ? first : console;
			if (!markdown.isEmpty()) {
				markdown.append('\n');
			}
			markdown.append("| One log line | ns/op | Ratio to console |\n")
				.append("|---|--:|--:|\n")
				.append(String.format(Locale.ROOT, "| Logback console appender (null stream) | %s | 1.00× |%n",
						figure(console)))
				.append(String.format(Locale.ROOT, "| Phanes log collector appender | %s | %.2f× |%n",
						figure(collector), score(collector) / score(console)));
		}
		if (first == null) {
			return "";
		}
		return markdown + String.format(Locale.ROOT,
				"%nJMH %s, JDK %s (%s), %s thread(s), %s fork(s), warm-up %s × %s, measurement %s × %s; "
						+ "± is the 99.9%% confidence interval JMH reports.%n",
				text(first, "jmhVersion"), text(first, "jdkVersion"), text(first, "vmName"), text(first, "threads"),
				text(first, "forks"), text(first, "warmupIterations"), text(first, "warmupTime"),
				text(first, "measurementIterations"), text(first, "measurementTime"));
	}

	private static String goal(double added) {
		return String.format(Locale.ROOT, "< %.0f ns added %s", GOAL_NANOS,
				(added < GOAL_NANOS) ? "met" : "**missed**");
	}

	private static String row(String name, JsonNode result, double added, double ratio, String goal) {
		return String.format(Locale.ROOT, "| %s | %s | %s | %.2f× | %s |%n", name, figure(result),
				Double.isNaN(added) ? "–" : String.format(Locale.ROOT, "%,.0f", added), ratio, goal);
	}

	private static double score(JsonNode result) {
		return result.get("primaryMetric").get("score").doubleValue();
	}

	private static String figure(JsonNode result) {
		JsonNode metric = result.get("primaryMetric");
		JsonNode error = metric.get("scoreError");
		String score = String.format(Locale.ROOT, "%,.0f", metric.get("score").doubleValue());
		if (error == null || !error.isNumber() || Double.isNaN(error.doubleValue())) {
			return score;
		}
		return score + " ± " + String.format(Locale.ROOT, "%,.0f", error.doubleValue());
	}

	private static String text(JsonNode result, String field) {
		JsonNode node = result.get(field);
		return (node != null) ? node.asString() : "?";
	}

}
