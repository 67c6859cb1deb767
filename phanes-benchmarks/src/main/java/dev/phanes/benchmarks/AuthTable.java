package dev.phanes.benchmarks;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Turns the JSON results of {@link AuthBenchmark} into the Auth table of
 * {@code docs/benchmarks.md}, between the {@value #BEGIN} and {@value #END} markers: the
 * p50 and p99 of a call with and without auth, what auth adds at p50 against the goal (at
 * most 50 µs with 100 rules), and the server's parts alone.
 * <p>
 * Run {@code java -cp phanes-benchmarks/target/benchmarks.jar
 * dev.phanes.benchmarks.AuthTable target/jmh-auth.json [docs/benchmarks.md]}.
 */
public final class AuthTable {

	/**
	 * Marker before the generated table in a markdown file.
	 */
	public static final String BEGIN = "<!-- auth:begin -->";

	/**
	 * Marker after the generated table in a markdown file.
	 */
	public static final String END = "<!-- auth:end -->";

	private static final double GOAL_MICROS = 50;

	private AuthTable() {
	}

	/**
	 * Print the table of a JMH JSON result file, or write it into a markdown file.
	 * @param args the JSON file, then optionally the markdown file to update
	 * @throws IOException if a file cannot be read or written
	 */
	public static void main(String[] args) throws IOException {
		Ratios.writeTable(args, "AuthTable", BEGIN, END, AuthTable::table);
	}

	static String table(JsonNode results) {
		Map<String, JsonNode> byName = new LinkedHashMap<>();
		for (JsonNode result : results) {
			byName.put(result.get("benchmark").asString(), result);
		}
		String prefix = AuthBenchmark.class.getName() + ".";
		JsonNode without = byName.get(prefix + "callWithoutAuth");
		JsonNode with = byName.get(prefix + "callWithAuth");
		if (without == null || with == null) {
			return "";
		}
		StringBuilder out = new StringBuilder(
				"| One GET over loopback HTTP (µs) | p50 | p99 | mean |\n|---|--:|--:|--:|\n");
		row(out, "without auth (baseline)", without);
		row(out, "with auth: token attached and checked (a remembered ES256 verification), " + AuthBenchmark.RULES
				+ " rules", with);
		double added = percentile(with, "50.0") - percentile(without, "50.0");
		out.append(String.format(Locale.ROOT,
				"%nAdded at p50: **%.1f µs** (%.2f× the baseline's p50); goal ≤ %.0f µs: %s.%n", added,
				percentile(with, "50.0") / percentile(without, "50.0"), GOAL_MICROS,
				(added <= GOAL_MICROS) ? "met" : "**missed**"));
		JsonNode verify = byName.get(prefix + "verifyToken");
		JsonNode decide = byName.get(prefix + "decideWith100Rules");
		if (verify != null && decide != null) {
			out.append(String.format(Locale.ROOT,
					"%nThe server's parts alone, p50: verifying a token not remembered yet (once per token and "
							+ "reload period) %.1f µs, deciding with %d rules %.2f µs.%n",
					percentile(verify, "50.0"), AuthBenchmark.RULES, percentile(decide, "50.0")));
		}
		out.append(EventTable.settings(with));
		return out.toString();
	}

	private static void row(StringBuilder out, String label, JsonNode result) {
		out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n", label, percentile(result, "50.0"),
				percentile(result, "99.0"), EventTable.score(result)));
	}

	private static double percentile(JsonNode result, String which) {
		return result.get("primaryMetric").get("scorePercentiles").get(which).doubleValue();
	}

}
