package dev.phanes.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the JSON results of a JMH run into the markdown table of
 * {@code docs/benchmarks.md}: each Phanes figure beside its baseline, their ratio and the
 * goal.
 * <p>
 * Run
 * {@code java -cp phanes-benchmarks/target/benchmarks.jar dev.phanes.benchmarks.Ratios
 * target/jmh.json} to print the table, or add {@code docs/benchmarks.md} to replace the
 * table between the {@value #BEGIN} and {@value #END} markers of that file. Pairs are
 * found by name: {@code phanesWrite} goes with {@code baselineWrite} of the same class.
 */
public final class Ratios {

	/**
	 * Marker before the generated table in a markdown file.
	 */
	public static final String BEGIN = "<!-- ratios:begin -->";

	/**
	 * Marker after the generated table in a markdown file.
	 */
	public static final String END = "<!-- ratios:end -->";

	private static final List<Backend> BACKENDS = List.of(new Backend("memory", MemoryStoreBenchmark.class, 0.8),
			new Backend("file", FileStoreBenchmark.class, 0.8), new Backend("jpa", JpaStoreBenchmark.class, 0.7));

	private static final List<String> OPERATIONS = List.of("Write", "Read", "List");

	private Ratios() {
	}

	/**
	 * Print the table of a JMH JSON result file, or write it into a markdown file.
	 * @param args the JSON file, then optionally the markdown file to update
	 * @throws IOException if a file cannot be read or written
	 */
	public static void main(String[] args) throws IOException {
		if (args.length < 1 || args.length > 2) {
			System.err.println("Usage: Ratios <jmh-result.json> [markdown file to update]");
			System.exit(2);
		}
		JsonNode results = JsonMapper.builder().build().readTree(Path.of(args[0]));
		String table = table(results);
		if (args.length == 1) {
			System.out.print(table);
			return;
		}
		Path markdown = Path.of(args[1]);
		Files.writeString(markdown, replaceBetweenMarkers(Files.readString(markdown), table), StandardCharsets.UTF_8);
		System.out.println("Updated " + markdown);
	}

	static String table(JsonNode results) {
		Map<String, JsonNode> byName = new LinkedHashMap<>();
		for (JsonNode result : results) {
			byName.put(result.get("benchmark").asString(), result);
		}
		StringBuilder table = new StringBuilder();
		table.append("| Benchmark | Phanes (ops/s) | Baseline (ops/s) | Ratio | Goal |\n");
		table.append("|---|--:|--:|--:|---|\n");
		for (Backend backend : BACKENDS) {
			for (String operation : OPERATIONS) {
				JsonNode phanes = byName.get(backend.type().getName() + ".phanes" + operation);
				JsonNode baseline = byName.get(backend.type().getName() + ".baseline" + operation);
				if (phanes == null || baseline == null) {
					continue;
				}
				double ratio = score(phanes) / score(baseline);
				table.append(String.format(Locale.ROOT, "| %s %s | %s | %s | %.2f× | ≥ %.1f× %s |%n", backend.name(),
						operation.toLowerCase(Locale.ROOT), figure(phanes), figure(baseline), ratio, backend.goal(),
						(ratio >= backend.goal()) ? "met" : "**missed**"));
			}
		}
		if (!byName.isEmpty()) {
			JsonNode first = byName.values().iterator().next();
			table.append(String.format(Locale.ROOT,
					"%nJMH %s, JDK %s (%s), %s thread(s), %s fork(s), warm-up %s × %s, measurement %s × %s; "
							+ "± is the 99.9%% confidence interval JMH reports.%n",
					text(first, "jmhVersion"), text(first, "jdkVersion"), text(first, "vmName"), text(first, "threads"),
					text(first, "forks"), text(first, "warmupIterations"), text(first, "warmupTime"),
					text(first, "measurementIterations"), text(first, "measurementTime")));
		}
		return table.toString();
	}

	static String replaceBetweenMarkers(String markdown, String table) {
		int begin = markdown.indexOf(BEGIN);
		int end = markdown.indexOf(END);
		if (begin < 0 || end < begin) {
			throw new IllegalArgumentException("The markdown file has no " + BEGIN + " ... " + END + " section");
		}
		return markdown.substring(0, begin + BEGIN.length()) + "\n" + table + markdown.substring(end);
	}

	private static double score(JsonNode result) {
		return result.get("primaryMetric").get("score").doubleValue();
	}

	private static String figure(JsonNode result) {
		JsonNode metric = result.get("primaryMetric");
		double score = metric.get("score").doubleValue();
		JsonNode error = metric.get("scoreError");
		if (error == null || !error.isNumber() || Double.isNaN(error.doubleValue())) {
			return number(score);
		}
		return number(score) + " ± " + number(error.doubleValue());
	}

	private static String number(double value) {
		return String.format(Locale.ROOT, (value >= 100) ? "%,.0f" : "%,.1f", value);
	}

	private static String text(JsonNode result, String field) {
		JsonNode node = result.get(field);
		return (node != null) ? node.asString() : "?";
	}

	private record Backend(String name, Class<?> type, double goal) {

	}

}
