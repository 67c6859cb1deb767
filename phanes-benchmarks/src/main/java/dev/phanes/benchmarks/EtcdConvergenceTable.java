package dev.phanes.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * The table of {@link EtcdConvergenceBenchmark}: p50, p95 and maximum time to converge,
 * Phanes beside a raw jetcd put and watch, the p95 gap and the goal (Phanes p95 within
 * {@value #GOAL_GAP_MILLIS} ms of the raw watch's). {@link Ratios} writes it between its
 * etcd discovery markers.
 */
final class EtcdConvergenceTable {

	/**
	 * Most milliseconds Phanes' p95 may exceed the raw watch's.
	 */
	static final double GOAL_GAP_MILLIS = 5;

	private static final List<String[]> CHANGES = List.of(
			new String[] { "Add", "add (A registers → B's view has it)", "raw put → watch" },
			new String[] { "Remove", "remove (A deregisters → B's view no longer has it)", "raw delete → watch" });

	private EtcdConvergenceTable() {
	}

	/**
	 * Build the table from a run's results.
	 * @param results the JMH results
	 * @return the markdown, empty if the run has no pair of etcd convergence benchmarks
	 */
	static String table(JsonNode results) {
		Map<String, JsonNode> byMethod = new LinkedHashMap<>();
		String prefix = EtcdConvergenceBenchmark.class.getName() + ".";
		for (JsonNode result : results) {
			String name = result.get("benchmark").asString();
			if (name.startsWith(prefix)) {
				byMethod.put(name.substring(prefix.length()), result);
			}
		}
		StringBuilder rows = new StringBuilder();
		JsonNode first = null;
		for (String[] change : CHANGES) {
			JsonNode phanes = byMethod.get("phanes" + change[0]);
			JsonNode raw = byMethod.get("raw" + change[0]);
			if (phanes == null || raw == null) {
				continue;
			}
			first = (first != null) ? first : phanes;
			double gap = ConvergenceTable.percentile(phanes, "95.0") - ConvergenceTable.percentile(raw, "95.0");
			rows.append(String.format(Locale.ROOT, "| %s | %d / %d | %s | %s | %s | %s | %s | %s | %s | %s |%n",
					change[1], ConvergenceTable.rounds(phanes), ConvergenceTable.rounds(raw),
					ConvergenceTable.millis(ConvergenceTable.percentile(phanes, "50.0")),
					ConvergenceTable.millis(ConvergenceTable.percentile(phanes, "95.0")),
					ConvergenceTable.millis(ConvergenceTable.percentile(phanes, "100.0")),
					ConvergenceTable.millis(ConvergenceTable.percentile(raw, "50.0")),
					ConvergenceTable.millis(ConvergenceTable.percentile(raw, "95.0")),
					ConvergenceTable.millis(ConvergenceTable.percentile(raw, "100.0")), ConvergenceTable.millis(gap),
					(gap <= GOAL_GAP_MILLIS) ? "met" : "**missed**"));
		}
		if (first == null) {
			return "";
		}
		return "| Change | Rounds (Phanes / raw) | Phanes p50 (ms) | Phanes p95 (ms) | Phanes max (ms) "
				+ "| Raw p50 (ms) | Raw p95 (ms) | Raw max (ms) | Phanes − raw p95 (ms) | Goal: gap ≤ "
				+ String.format(Locale.ROOT, "%.0f", GOAL_GAP_MILLIS) + " ms |\n"
				+ "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|\n" + rows
				+ String.format(Locale.ROOT,
						"%nJMH %s, JDK %s (%s), single-shot rounds, one fork per benchmark, %s warm-up rounds each. "
								+ "p50 and p95 are JMH's `scorePercentiles`, max its 100th percentile.%n",
						ConvergenceTable.text(first, "jmhVersion"), ConvergenceTable.text(first, "jdkVersion"),
						ConvergenceTable.text(first, "vmName"), ConvergenceTable.text(first, "warmupIterations"));
	}

}
