package dev.phanes.benchmarks;

import java.util.Locale;

import tools.jackson.databind.JsonNode;

/**
 * The table of {@link ConfigReloadBenchmark}: p50, p95 and maximum time from an etcd put
 * to the rebound bean, beside a raw jetcd watch, their difference and the goals (Phanes
 * p95 under {@value #GOAL_MILLIS} ms and within {@value #GOAL_GAP_MILLIS} ms of the raw
 * watch's p95). {@link Ratios} writes it between its config markers.
 */
final class ReloadLatencyTable {

	/**
	 * Most milliseconds Phanes' p95 may take.
	 */
	static final double GOAL_MILLIS = 200;

	/**
	 * Most milliseconds Phanes' p95 may exceed the raw watch's.
	 */
	static final double GOAL_GAP_MILLIS = 50;

	private ReloadLatencyTable() {
	}

	/**
	 * Build the table from a run's results.
	 * @param results the JMH results
	 * @return the markdown, empty if the run lacks either benchmark
	 */
	static String table(JsonNode results) {
		JsonNode phanes = null;
		JsonNode raw = null;
		String prefix = ConfigReloadBenchmark.class.getName() + ".";
		for (JsonNode result : results) {
			String name = result.get("benchmark").asString();
			if (name.equals(prefix + "phanesPutToReboundBean")) {
				phanes = result;
			}
			else if (name.equals(prefix + "rawWatchPutToEvent")) {
				raw = result;
			}
		}
		if (phanes == null || raw == null) {
			return "";
		}
		double phanes95 = ConvergenceTable.percentile(phanes, "95.0");
		double gap = phanes95 - ConvergenceTable.percentile(raw, "95.0");
		return "| Change | Rounds (Phanes / raw) | Phanes p50 (ms) | Phanes p95 (ms) | Phanes max (ms) "
				+ "| Raw watch p50 (ms) | Raw watch p95 (ms) | Raw watch max (ms) | Phanes − raw p50 (ms) "
				+ "| Phanes − raw p95 (ms) | Goal: Phanes p95 < " + ConvergenceTable.millis(GOAL_MILLIS)
				+ " ms | Goal: p95 gap ≤ " + String.format(Locale.ROOT, "%.0f", GOAL_GAP_MILLIS) + " ms |\n"
				+ "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|\n"
				+ String.format(Locale.ROOT,
						"| etcd put → rebound bean | %d / %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
						ConvergenceTable.rounds(phanes), ConvergenceTable.rounds(raw),
						ConvergenceTable.millis(ConvergenceTable.percentile(phanes, "50.0")),
						ConvergenceTable.millis(phanes95),
						ConvergenceTable.millis(ConvergenceTable.percentile(phanes, "100.0")),
						ConvergenceTable.millis(ConvergenceTable.percentile(raw, "50.0")),
						ConvergenceTable.millis(ConvergenceTable.percentile(raw, "95.0")),
						ConvergenceTable.millis(ConvergenceTable.percentile(raw, "100.0")),
						ConvergenceTable.millis(
								ConvergenceTable.percentile(phanes, "50.0") - ConvergenceTable.percentile(raw, "50.0")),
						ConvergenceTable.millis(gap), (phanes95 < GOAL_MILLIS) ? "met" : "**missed**",
						(gap <= GOAL_GAP_MILLIS) ? "met" : "**missed**")
				+ String.format(Locale.ROOT,
						"%nJMH %s, JDK %s (%s), single-shot rounds, one fork per benchmark, %s warm-up rounds each. "
								+ "p50 and p95 are JMH's `scorePercentiles`, max its 100th percentile.%n",
						ConvergenceTable.text(phanes, "jmhVersion"), ConvergenceTable.text(phanes, "jdkVersion"),
						ConvergenceTable.text(phanes, "vmName"), ConvergenceTable.text(phanes, "warmupIterations"));
	}

}
