package dev.phanes.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The table of {@link DiscoveryConvergenceBenchmark}: p50, p95 and maximum time to
 * converge, Phanes beside raw JmDNS, their ratio and the goal (Phanes p95 under
 * {@value #GOAL_MILLIS} ms). {@link Ratios} writes it between its discovery markers.
 */
final class ConvergenceTable {

	/**
	 * Most milliseconds Phanes' p95 may take, for an add as for a remove.
	 */
	static final double GOAL_MILLIS = 500;

	private static final List<Change> CHANGES = List.of(new Change("Add", "add (A registers → B sees it)"),
			new Change("Remove", "remove (A deregisters gracefully → B no longer sees it)"));

	private ConvergenceTable() {
	}

	/**
	 * Build the table from a run's results.
	 * @param results the JMH results
	 * @return the markdown, empty if the run has no pair of convergence benchmarks
	 */
	static String table(JsonNode results) {
		Map<String, JsonNode> byMethod = new LinkedHashMap<>();
		String prefix = DiscoveryConvergenceBenchmark.class.getName() + ".";
		for (JsonNode result : results) {
			String name = result.get("benchmark").asString();
			if (name.startsWith(prefix)) {
				byMethod.put(name.substring(prefix.length()), result);
			}
		}
		StringBuilder rows = new StringBuilder();
		JsonNode phanesFirst = null;
		JsonNode jmdnsFirst = null;
		for (Change change : CHANGES) {
			JsonNode phanes = byMethod.get("phanes" + change.method());
			JsonNode jmdns = byMethod.get("jmdns" + change.method());
			if (phanes == null || jmdns == null) {
				continue;
			}
			phanesFirst = (phanesFirst != null) ? phanesFirst : phanes;
			jmdnsFirst = (jmdnsFirst != null) ? jmdnsFirst : jmdns;
			double phanes95 = percentile(phanes, "95.0");
			rows.append(
					String.format(Locale.ROOT, "| %s | %d / %d | %s | %s | %s | %s | %s | %s | %.2g× | %.2g× | %s |%n",
							change.description(), rounds(phanes), rounds(jmdns), millis(percentile(phanes, "50.0")),
							millis(phanes95), millis(percentile(phanes, "100.0")), millis(percentile(jmdns, "50.0")),
							millis(percentile(jmdns, "95.0")), millis(percentile(jmdns, "100.0")),
							percentile(phanes, "50.0") / percentile(jmdns, "50.0"),
							phanes95 / percentile(jmdns, "95.0"), (phanes95 < GOAL_MILLIS) ? "met" : "**missed**"));
		}
		if (phanesFirst == null || jmdnsFirst == null) {
			return "";
		}
		return "| Change | Rounds (Phanes / JmDNS) | Phanes p50 (ms) | Phanes p95 (ms) | Phanes max (ms) "
				+ "| JmDNS p50 (ms) | JmDNS p95 (ms) | JmDNS max (ms) | Phanes ÷ JmDNS p50 | Phanes ÷ JmDNS p95 "
				+ "| Goal: Phanes p95 < " + millis(GOAL_MILLIS) + " ms |\n"
				+ "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n" + rows + settings(phanesFirst, jmdnsFirst);
	}

	private static String settings(JsonNode phanes, JsonNode jmdns) {
		return String.format(Locale.ROOT,
				"%nJMH %s, JDK %s (%s), single-shot rounds, one fork per benchmark, %s warm-up rounds each; "
						+ "Phanes forks with %s, JmDNS forks with %s. p50 and p95 are JMH's `scorePercentiles`, "
						+ "max its 100th percentile.%n",
				text(phanes, "jmhVersion"), text(phanes, "jdkVersion"), text(phanes, "vmName"),
				text(phanes, "warmupIterations"), jvmArgs(phanes), jvmArgs(jmdns));
	}

	static String jvmArgs(JsonNode result) {
		StringBuilder arguments = new StringBuilder();
		for (JsonNode argument : result.path("jvmArgs")) {
			arguments.append((arguments.isEmpty()) ? "" : " ").append('`').append(argument.asString()).append('`');
		}
		return (arguments.isEmpty()) ? "no JVM argument" : arguments.toString();
	}

	/**
	 * A percentile of the rounds, in milliseconds.
	 */
	static double percentile(JsonNode result, String percentile) {
		JsonNode metric = result.get("primaryMetric");
		JsonNode value = metric.path("scorePercentiles").get(percentile);
		if (value == null) {
			throw new IllegalArgumentException(result.get("benchmark").asString() + " has no " + percentile
					+ " percentile: run it in SingleShotTime mode");
		}
		return value.doubleValue() * millisPer(metric.get("scoreUnit").asString());
	}

	private static double millisPer(String unit) {
		return switch (unit) {
			case "s/op" -> 1000;
			case "ms/op" -> 1;
			case "us/op" -> 0.001;
			case "ns/op" -> 0.000001;
			default -> throw new IllegalArgumentException("Unexpected unit " + unit);
		};
	}

	static int rounds(JsonNode result) {
		int rounds = 0;
		for (JsonNode fork : result.get("primaryMetric").path("rawData")) {
			rounds += fork.size();
		}
		return rounds;
	}

	static String millis(double millis) {
		return String.format(Locale.ROOT, (millis >= 100) ? "%,.0f" : "%,.1f", millis);
	}

	static String text(@Nullable JsonNode result, String field) {
		JsonNode node = (result != null) ? result.get(field) : null;
		return (node != null) ? node.asString() : "?";
	}

	private record Change(String method, String description) {

	}

}
