package dev.phanes.benchmarks;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Turns the JSON results of {@link GrpcCallBenchmark} into the gRPC table of
 * {@code docs/benchmarks.md}, between the {@value #BEGIN} and {@value #END} markers:
 * throughput and p99 of a unary call through {@code discovery:///} with Phanes' policy
 * beside the same call on a fixed address, as ratios against the goals (at least 0.95×
 * the throughput, at most 1.05× the p99).
 * <p>
 * Run {@code java -cp phanes-benchmarks/target/benchmarks.jar
 * dev.phanes.benchmarks.GrpcTable target/jmh-grpc.json [docs/benchmarks.md]}.
 */
public final class GrpcTable {

	/**
	 * Marker before the generated table in a markdown file.
	 */
	public static final String BEGIN = "<!-- grpc:begin -->";

	/**
	 * Marker after the generated table in a markdown file.
	 */
	public static final String END = "<!-- grpc:end -->";

	private static final double THROUGHPUT_GOAL = 0.95;

	private static final double P99_GOAL = 1.05;

	private GrpcTable() {
	}

	/**
	 * Print the table of a JMH JSON result file, or write it into a markdown file.
	 * @param args the JSON file, then optionally the markdown file to update
	 * @throws IOException if a file cannot be read or written
	 */
	public static void main(String[] args) throws IOException {
		Ratios.writeTable(args, "GrpcTable", BEGIN, END, GrpcTable::table);
	}

	static String table(JsonNode results) {
		Map<String, JsonNode> byKey = new LinkedHashMap<>();
		for (JsonNode result : results) {
			byKey.put(result.get("benchmark").asString() + "/" + result.get("mode").asString(), result);
		}
		String prefix = GrpcCallBenchmark.class.getName() + ".";
		JsonNode fixedThroughput = byKey.get(prefix + "fixedAddress/thrpt");
		JsonNode phanesThroughput = byKey.get(prefix + "discoveryAndPhanesPolicy/thrpt");
		JsonNode fixedSample = byKey.get(prefix + "fixedAddress/sample");
		JsonNode phanesSample = byKey.get(prefix + "discoveryAndPhanesPolicy/sample");
		if (fixedThroughput == null || phanesThroughput == null || fixedSample == null || phanesSample == null) {
			return "";
		}
		StringBuilder out = new StringBuilder(
				"| One unary call on loopback, 4 threads | calls/s | p50 (µs) | p99 (µs) |\n|---|--:|--:|--:|\n");
		row(out, "fixed `127.0.0.1:<port>` channel (baseline)", fixedThroughput, fixedSample);
		row(out, "`discovery:///echo`, `phanes_hashed`, retrying interceptor, ejection tracer", phanesThroughput,
				phanesSample);
		double throughput = EventTable.score(phanesThroughput) / EventTable.score(fixedThroughput);
		double p99 = percentile(phanesSample, "99.0") / percentile(fixedSample, "99.0");
		out.append(String.format(Locale.ROOT,
				"%nThroughput **%.3f×** the baseline (goal ≥ %.2f×: %s); p99 **%.3f×** (goal ≤ %.2f×: %s).%n",
				throughput, THROUGHPUT_GOAL, (throughput >= THROUGHPUT_GOAL) ? "met" : "**missed**", p99, P99_GOAL,
				(p99 <= P99_GOAL) ? "met" : "**missed**"));
		out.append(EventTable.settings(phanesSample));
		return out.toString();
	}

	private static void row(StringBuilder out, String label, JsonNode throughput, JsonNode sample) {
		out.append(String.format(Locale.ROOT, "| %s | %,.0f ± %,.0f | %.1f | %.1f |%n", label,
				EventTable.score(throughput) * 1_000_000,
				throughput.get("primaryMetric").get("scoreError").doubleValue() * 1_000_000, percentile(sample, "50.0"),
				percentile(sample, "99.0")));
	}

	private static double percentile(JsonNode result, String which) {
		return result.get("primaryMetric").get("scorePercentiles").get(which).doubleValue();
	}

}
