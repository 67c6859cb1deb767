package dev.phanes.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the JSON results of a JMH run into the markdown tables of
 * {@code docs/benchmarks.md}: each Phanes figure beside its baseline, their ratio and the
 * goal.
 * <p>
 * Run
 * {@code java -cp phanes-benchmarks/target/benchmarks.jar dev.phanes.benchmarks.Ratios
 * target/jmh.json} to print the tables, or add {@code docs/benchmarks.md} to replace them
 * in that file: the store table between the {@value #BEGIN} and {@value #END} markers,
 * the load-balancer tables between the {@value #LOAD_BALANCER_BEGIN} and
 * {@value #LOAD_BALANCER_END} markers, the discovery table ({@link ConvergenceTable})
 * between the {@value #DISCOVERY_BEGIN} and {@value #DISCOVERY_END} markers, the
 * observability tables ({@link ObservabilityTable}) between the
 * {@value #OBSERVABILITY_BEGIN} and {@value #OBSERVABILITY_END} markers, the config
 * reload table ({@link ReloadLatencyTable}) between the {@value #CONFIG_BEGIN} and
 * {@value #CONFIG_END} markers, the etcd discovery table ({@link EtcdConvergenceTable})
 * between the {@value #ETCD_DISCOVERY_BEGIN} and {@value #ETCD_DISCOVERY_END} markers. A
 * table is written only if the run has its benchmarks, so the store suite,
 * {@link LoadBalancerBenchmark} and {@link DiscoveryConvergenceBenchmark} can be run
 * apart. Store pairs are found by name: {@code phanesWrite} goes with
 * {@code baselineWrite} of the same class.
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

	/**
	 * Marker before the generated load-balancer tables in a markdown file.
	 */
	public static final String LOAD_BALANCER_BEGIN = "<!-- lb-ratios:begin -->";

	/**
	 * Marker after the generated load-balancer tables in a markdown file.
	 */
	public static final String LOAD_BALANCER_END = "<!-- lb-ratios:end -->";

	/**
	 * Marker before the generated discovery table in a markdown file.
	 */
	public static final String DISCOVERY_BEGIN = "<!-- discovery:begin -->";

	/**
	 * Marker after the generated discovery table in a markdown file.
	 */
	public static final String DISCOVERY_END = "<!-- discovery:end -->";

	/**
	 * Marker before the generated observability tables in a markdown file.
	 */
	public static final String OBSERVABILITY_BEGIN = "<!-- observability:begin -->";

	/**
	 * Marker after the generated observability tables in a markdown file.
	 */
	public static final String OBSERVABILITY_END = "<!-- observability:end -->";

	/**
	 * Marker before the generated config reload table in a markdown file.
	 */
	public static final String CONFIG_BEGIN = "<!-- config:begin -->";

	/**
	 * Marker after the generated config reload table in a markdown file.
	 */
	public static final String CONFIG_END = "<!-- config:end -->";

	/**
	 * Marker before the etcd discovery convergence table.
	 */
	public static final String ETCD_DISCOVERY_BEGIN = "<!-- etcd-discovery:begin -->";

	/**
	 * Marker after the etcd discovery convergence table.
	 */
	public static final String ETCD_DISCOVERY_END = "<!-- etcd-discovery:end -->";

	private static final List<Backend> BACKENDS = List.of(new Backend("memory", MemoryStoreBenchmark.class, 0.8),
			new Backend("file", FileStoreBenchmark.class, 0.8), new Backend("jpa", JpaStoreBenchmark.class, 0.7));

	private static final List<String> OPERATIONS = List.of("Write", "Read", "List");

	private static final List<String> BALANCERS = List.of("phanesKeyless", "phanesKeyed", "roundRobin", "random");

	private static final String ALLOCATION = "gc.alloc.rate.norm";

	private Ratios() {
	}

	/**
	 * Print the tables of a JMH JSON result file, or write them into a markdown file.
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
		String loadBalancerTable = loadBalancerTable(results);
		String discoveryTable = ConvergenceTable.table(results);
		String observabilityTable = ObservabilityTable.table(results);
		String configTable = ReloadLatencyTable.table(results);
		String etcdDiscoveryTable = EtcdConvergenceTable.table(results);
		if (table.isEmpty() && loadBalancerTable.isEmpty() && discoveryTable.isEmpty() && observabilityTable.isEmpty()
				&& configTable.isEmpty() && etcdDiscoveryTable.isEmpty()) {
			System.err.println("No store, load-balancer, discovery, observability or config benchmark in " + args[0]);
			System.exit(1);
		}
		if (args.length == 1) {
			String separator = "";
			for (String printed : List.of(table, loadBalancerTable, discoveryTable, observabilityTable, configTable,
					etcdDiscoveryTable)) {
				if (!printed.isEmpty()) {
					System.out.print(separator + printed);
					separator = "\n";
				}
			}
			return;
		}
		Path markdown = Path.of(args[1]);
		String text = Files.readString(markdown);
		if (!table.isEmpty()) {
			text = replaceBetweenMarkers(text, BEGIN, END, table);
		}
		if (!loadBalancerTable.isEmpty()) {
			text = replaceBetweenMarkers(text, LOAD_BALANCER_BEGIN, LOAD_BALANCER_END, loadBalancerTable);
		}
		if (!discoveryTable.isEmpty()) {
			text = replaceBetweenMarkers(text, DISCOVERY_BEGIN, DISCOVERY_END, discoveryTable);
		}
		if (!observabilityTable.isEmpty()) {
			text = replaceBetweenMarkers(text, OBSERVABILITY_BEGIN, OBSERVABILITY_END, observabilityTable);
		}
		if (!configTable.isEmpty()) {
			text = replaceBetweenMarkers(text, CONFIG_BEGIN, CONFIG_END, configTable);
		}
		if (!etcdDiscoveryTable.isEmpty()) {
			text = replaceBetweenMarkers(text, ETCD_DISCOVERY_BEGIN, ETCD_DISCOVERY_END, etcdDiscoveryTable);
		}
		Files.writeString(markdown, text, StandardCharsets.UTF_8);
		System.out.println("Updated " + markdown);
	}

	static String table(JsonNode results) {
		Map<String, JsonNode> byName = new LinkedHashMap<>();
		for (JsonNode result : results) {
			byName.put(result.get("benchmark").asString(), result);
		}
		StringBuilder rows = new StringBuilder();
		JsonNode first = null;
		for (Backend backend : BACKENDS) {
			for (String operation : OPERATIONS) {
				JsonNode phanes = byName.get(backend.type().getName() + ".phanes" + operation);
				JsonNode baseline = byName.get(backend.type().getName() + ".baseline" + operation);
				if (phanes == null || baseline == null) {
					continue;
				}
				first = (first != null) ? first : phanes;
				double ratio = score(phanes) / score(baseline);
				rows.append(String.format(Locale.ROOT, "| %s %s | %s | %s | %.2f× | ≥ %.1f× %s |%n", backend.name(),
						operation.toLowerCase(Locale.ROOT), figure(phanes), figure(baseline), ratio, backend.goal(),
						(ratio >= backend.goal()) ? "met" : "**missed**"));
			}
		}
		if (first == null) {
			return "";
		}
		return "| Benchmark | Phanes (ops/s) | Baseline (ops/s) | Ratio | Goal |\n" + "|---|--:|--:|--:|---|\n" + rows
				+ settings(first);
	}

	/**
	 * The main method of a table that has its own markers: print the table of a JMH JSON
	 * result file, or write it between the markers of a markdown file.
	 * @param args the JSON file, then optionally the markdown file to update
	 * @param name the table's class, for the usage message
	 * @param begin the marker before the table
	 * @param end the marker after the table
	 * @param table makes the table of the results, empty if they have none of its
	 * benchmarks
	 * @throws IOException if a file cannot be read or written
	 */
	static void writeTable(String[] args, String name, String begin, String end, Function<JsonNode, String> table)
			throws IOException {
		if (args.length < 1 || args.length > 2) {
			System.err.println("Usage: " + name + " <jmh-result.json> [markdown file to update]");
			System.exit(2);
		}
		String text = table.apply(JsonMapper.builder().build().readTree(Path.of(args[0])));
		if (text.isEmpty()) {
			System.err.println("No " + name + " benchmark in " + args[0]);
			System.exit(1);
		}
		if (args.length == 1) {
			System.out.print(text);
			return;
		}
		Path markdown = Path.of(args[1]);
		Files.writeString(markdown, replaceBetweenMarkers(Files.readString(markdown), begin, end, text),
				StandardCharsets.UTF_8);
		System.out.println("Updated " + markdown);
	}

	/**
	 * The tables of {@link LoadBalancerBenchmark}: throughput of the four balancers per
	 * instance count with each Phanes variant's ratio to round robin (the goal is at
	 * least 1×), then the bytes each choice allocates, which {@code -prof gc} measures
	 * (the goal is no more than round robin).
	 * @param results the JMH results
	 * @return the markdown, empty if the run has no load-balancer benchmark
	 */
	static String loadBalancerTable(JsonNode results) {
		Map<String, Map<String, JsonNode>> byInstances = new TreeMap<>(Comparator.comparingInt(Integer::parseInt));
		String prefix = LoadBalancerBenchmark.class.getName() + ".";
		for (JsonNode result : results) {
			String name = result.get("benchmark").asString();
			JsonNode instances = result.path("params").get("instances");
			if (name.startsWith(prefix) && instances != null) {
				byInstances.computeIfAbsent(instances.asString(), (key) -> new LinkedHashMap<>())
					.put(name.substring(prefix.length()), result);
			}
		}
		StringBuilder speed = new StringBuilder();
		StringBuilder allocation = new StringBuilder();
		JsonNode first = null;
		for (Map.Entry<String, Map<String, JsonNode>> entry : byInstances.entrySet()) {
			Map<String, JsonNode> byBalancer = entry.getValue();
			if (!byBalancer.keySet().containsAll(BALANCERS)) {
				continue;
			}
			first = (first != null) ? first : byBalancer.get(BALANCERS.get(0));
			JsonNode roundRobin = byBalancer.get("roundRobin");
			speed.append("| ").append(entry.getKey());
			for (String balancer : BALANCERS) {
				speed.append(" | ").append(figure(byBalancer.get(balancer)));
			}
			for (String balancer : BALANCERS.subList(0, 2)) {
				double ratio = score(byBalancer.get(balancer)) / score(roundRobin);
				speed.append(String.format(Locale.ROOT, " | %.2f× %s", ratio, (ratio >= 1) ? "met" : "**missed**"));
			}
			speed.append(" |\n");
			allocation.append("| ").append(entry.getKey());
			for (String balancer : BALANCERS) {
				allocation.append(" | ").append(bytes(byBalancer.get(balancer)));
			}
			Long roundRobinBytes = allocated(roundRobin);
			for (String balancer : BALANCERS.subList(0, 2)) {
				Long phanesBytes = allocated(byBalancer.get(balancer));
				allocation.append(" | ")
					.append((phanesBytes == null || roundRobinBytes == null) ? "–"
							: (phanesBytes <= roundRobinBytes) ? "met" : "**missed**");
			}
			allocation.append(" |\n");
		}
		if (first == null) {
			return "";
		}
		return "| Instances | Phanes keyless (ops/s) | Phanes keyed (ops/s) | RoundRobin (ops/s) | Random (ops/s) "
				+ "| Keyless ÷ RoundRobin (goal ≥ 1×) | Keyed ÷ RoundRobin (goal ≥ 1×) |\n"
				+ "|--:|--:|--:|--:|--:|--:|--:|\n" + speed + "\n"
				+ "| Instances | Phanes keyless (B/op) | Phanes keyed (B/op) | RoundRobin (B/op) | Random (B/op) "
				+ "| Keyless ≤ RoundRobin | Keyed ≤ RoundRobin |\n" + "|--:|--:|--:|--:|--:|---|---|\n" + allocation
				+ settings(first).stripTrailing()
				+ " B/op is JMH's `gc.alloc.rate.norm` (`-prof gc`), rounded to whole bytes.\n";
	}

	static String replaceBetweenMarkers(String markdown, String begin, String end, String table) {
		int from = markdown.indexOf(begin);
		int to = markdown.indexOf(end);
		if (from < 0 || to < from) {
			throw new IllegalArgumentException("The markdown file has no " + begin + " ... " + end + " section");
		}
		return markdown.substring(0, from + begin.length()) + "\n" + table + markdown.substring(to);
	}

	private static String settings(JsonNode result) {
		return String.format(Locale.ROOT,
				"%nJMH %s, JDK %s (%s), %s thread(s), %s fork(s), warm-up %s × %s, measurement %s × %s; "
						+ "± is the 99.9%% confidence interval JMH reports.%n",
				text(result, "jmhVersion"), text(result, "jdkVersion"), text(result, "vmName"), text(result, "threads"),
				text(result, "forks"), text(result, "warmupIterations"), text(result, "warmupTime"),
				text(result, "measurementIterations"), text(result, "measurementTime"));
	}

	/**
	 * Bytes allocated per operation, rounded, if the run used the GC profiler.
	 */
	private static @Nullable Long allocated(JsonNode result) {
		for (Map.Entry<String, JsonNode> metric : result.path("secondaryMetrics").properties()) {
			if (metric.getKey().endsWith(ALLOCATION)) {
				return Math.round(metric.getValue().get("score").doubleValue());
			}
		}
		return null;
	}

	private static String bytes(JsonNode result) {
		Long bytes = allocated(result);
		return (bytes != null) ? String.format(Locale.ROOT, "%,d", bytes) : "–";
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
