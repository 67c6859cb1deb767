package dev.phanes.benchmarks;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * The tables of {@link EventBusLatencyBenchmark} and {@link KafkaEventBusBenchmark}: each
 * Phanes figure beside its baseline, their ratio and the goal, written into
 * {@code docs/benchmarks.md} between the {@value #BEGIN} and {@value #END} markers.
 * <p>
 * Run
 * {@code java -cp phanes-benchmarks/target/benchmarks.jar dev.phanes.benchmarks.EventTable
 * target/jmh-events.json [docs/benchmarks.md]}.
 */
public final class EventTable {

	/**
	 * Marker before the generated tables in a markdown file.
	 */
	public static final String BEGIN = "<!-- events:begin -->";

	/**
	 * Marker after the generated tables in a markdown file.
	 */
	public static final String END = "<!-- events:end -->";

	private static final double LATENCY_GOAL = 1.2;

	private static final double THROUGHPUT_GOAL = 0.95;

	private EventTable() {
	}

	/**
	 * Print the tables of a JMH JSON result file, or write them into a markdown file.
	 * @param args the JSON file, then optionally the markdown file to update
	 * @throws IOException if a file cannot be read or written
	 */
	public static void main(String[] args) throws IOException {
		Ratios.writeTable(args, "EventTable", BEGIN, END, EventTable::table);
	}

	static String table(JsonNode results) {
		Map<String, JsonNode> byName = new LinkedHashMap<>();
		for (JsonNode result : results) {
			byName.put(result.get("benchmark").asString(), result);
		}
		StringBuilder out = new StringBuilder();
		String latency = EventBusLatencyBenchmark.class.getName() + ".";
		JsonNode baseline = byName.get(latency + "baselineEventListener");
		if (baseline != null) {
			out.append("| In-process, publish → handler | Phanes (ns/op) | ApplicationEventPublisher → "
					+ "@EventListener (ns/op) | Ratio | Goal |\n|---|--:|--:|--:|---|\n");
			for (String[] row : new String[][] { { "phanesSubscription", "typed subscription" },
					{ "phanesSubscribeMethod", "@Subscribe method" } }) {
				JsonNode phanes = byName.get(latency + row[0]);
				if (phanes != null) {
					double ratio = score(phanes) / score(baseline);
					out.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f× | ≤ %.1f× %s |%n", row[1],
							figure(phanes), figure(baseline), ratio, LATENCY_GOAL,
							(ratio <= LATENCY_GOAL) ? "met" : "**missed**"));
				}
			}
			out.append(settings(baseline));
		}
		String kafka = KafkaEventBusBenchmark.class.getName() + ".";
		JsonNode phanes = byName.get(kafka + "phanesEventBus");
		JsonNode template = byName.get(kafka + "baselineKafkaTemplate");
		if (phanes != null && template != null) {
			double ratio = score(phanes) / score(template);
			out.append((out.length() > 0) ? "\n" : "")
				.append("| Kafka, 1 KiB, acknowledged | Phanes EventBus over Kafka (events/s) | raw KafkaTemplate "
						+ "(events/s) | Ratio | Goal |\n|---|--:|--:|--:|---|\n")
				.append(String.format(Locale.ROOT,
						"| publish %,d, wait for all acks | %s | %s | %.2f× | ≥ %.2f× %s |%n",
						KafkaEventBusBenchmark.BATCH, figure(phanes), figure(template), ratio, THROUGHPUT_GOAL,
						(ratio >= THROUGHPUT_GOAL) ? "met" : "**missed**"))
				.append(settings(phanes));
		}
		return out.toString();
	}

	static String settings(JsonNode result) {
		return String.format(Locale.ROOT,
				"%nJMH %s, JDK %s, %s thread(s), %s fork(s), warm-up %s × %s, measurement %s × %s; "
						+ "± is the 99.9%% confidence interval JMH reports.%n",
				text(result, "jmhVersion"), text(result, "jdkVersion"), text(result, "threads"), text(result, "forks"),
				text(result, "warmupIterations"), text(result, "warmupTime"), text(result, "measurementIterations"),
				text(result, "measurementTime"));
	}

	static double score(JsonNode result) {
		return result.get("primaryMetric").get("score").doubleValue();
	}

	static String figure(JsonNode result) {
		JsonNode metric = result.get("primaryMetric");
		JsonNode error = metric.get("scoreError");
		String score = number(metric.get("score").doubleValue());
		return (error == null || !error.isNumber() || Double.isNaN(error.doubleValue())) ? score
				: score + " ± " + number(error.doubleValue());
	}

	private static String number(double value) {
		return String.format(Locale.ROOT, (value >= 100) ? "%,.0f" : "%,.1f", value);
	}

	private static String text(JsonNode result, String field) {
		JsonNode node = result.get(field);
		return (node != null) ? node.asString() : "?";
	}

}
