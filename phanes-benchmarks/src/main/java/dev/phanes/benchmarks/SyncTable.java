package dev.phanes.benchmarks;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Turns the JSON results of {@link SyncLockBenchmark} into the lock table of
 * {@code docs/benchmarks.md}, between the {@value #BEGIN} and {@value #END} markers: each
 * Phanes figure beside the raw engine's, their ratio and the goal (≥ 0.9×).
 * <p>
 * Run {@code java -cp phanes-benchmarks/target/benchmarks.jar
 * dev.phanes.benchmarks.SyncTable target/jmh-sync.json [docs/benchmarks.md]}.
 */
public final class SyncTable {

	/**
	 * Marker before the generated table in a markdown file.
	 */
	public static final String BEGIN = "<!-- sync:begin -->";

	/**
	 * Marker after the generated table in a markdown file.
	 */
	public static final String END = "<!-- sync:end -->";

	private static final double GOAL = 0.9;

	private SyncTable() {
	}

	/**
	 * Print the table of a JMH JSON result file, or write it into a markdown file.
	 * @param args the JSON file, then optionally the markdown file to update
	 * @throws IOException if a file cannot be read or written
	 */
	public static void main(String[] args) throws IOException {
		Ratios.writeTable(args, "SyncTable", BEGIN, END, SyncTable::table);
	}

	static String table(JsonNode results) {
		Map<String, JsonNode> byName = new LinkedHashMap<>();
		for (JsonNode result : results) {
			byName.put(result.get("benchmark").asString(), result);
		}
		String prefix = SyncLockBenchmark.class.getName() + ".";
		StringBuilder out = new StringBuilder();
		JsonNode any = null;
		for (String[] engine : new String[][] { { "jdbc", "JDBC (PostgreSQL)", "Spring Integration JdbcLockRegistry" },
				{ "etcd", "etcd", "raw jetcd Lock + unlock" } }) {
			for (String contention : new String[] { "Uncontended", "Contended" }) {
				JsonNode phanes = byName.get(prefix + engine[0] + "Phanes" + contention);
				JsonNode baseline = byName.get(prefix + engine[0] + "Baseline" + contention);
				if (phanes == null || baseline == null) {
					continue;
				}
				if (out.length() == 0) {
					out.append(
							"| Acquire + release | Phanes fenced lock (ops/s) | Raw engine (ops/s) | Ratio | Goal |\n"
									+ "|---|--:|--:|--:|---|\n");
				}
				double ratio = EventTable.score(phanes) / EventTable.score(baseline);
				out.append(
						String.format(Locale.ROOT, "| %s, %s (%s thread(s)) vs %s | %s | %s | %.2f× | ≥ %.1f× %s |%n",
								engine[1], contention.toLowerCase(Locale.ROOT), phanes.get("threads").asString(),
								engine[2], EventTable.figure(phanes), EventTable.figure(baseline), ratio, GOAL,
								(ratio >= GOAL) ? "met" : "**missed**"));
				any = phanes;
			}
		}
		if (any != null) {
			out.append(EventTable.settings(any));
		}
		return out.toString();
	}

}
