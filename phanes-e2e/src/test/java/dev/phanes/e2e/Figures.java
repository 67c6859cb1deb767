package dev.phanes.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures an end-to-end run measured: each one is printed at once on a line starting
 * {@code E2E:}, and all of them are kept in {@code target/e2e-figures.md}, one table per
 * scenario, ready to paste into the docs. Thread-safe.
 */
final class Figures {

	private static final Map<String, List<String[]>> sections = new LinkedHashMap<>();

	private static final Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);

	private Figures() {
	}

	/**
	 * Record a figure.
	 * @param section the scenario it belongs to
	 * @param name what was measured
	 * @param value the figure, with its unit
	 */
	static synchronized void record(String section, String name, String value) {
		System.out.println("E2E: [" + section + "] " + name + ": " + value);
		sections.computeIfAbsent(section, (key) -> new ArrayList<>()).add(new String[] { name, value });
		write();
	}

	private static void write() {
		StringBuilder text = new StringBuilder("# Phanes end-to-end figures\n\n");
		text.append("Run of ")
			.append(started)
			.append(" on ")
			.append(Runtime.getRuntime().availableProcessors())
			.append(" cores, Java ")
			.append(System.getProperty("java.version"))
			.append("; every process (sample apps and load client) on this one machine, over loopback.\n");
		sections.forEach((section, rows) -> {
			text.append("\n## ").append(section).append("\n\n| figure | value |\n| --- | --- |\n");
			for (String[] row : rows) {
				text.append("| ").append(escape(row[0])).append(" | ").append(escape(row[1])).append(" |\n");
			}
		});
		try {
			Path file = buildDirectory().resolve("e2e-figures.md");
			Files.createDirectories(file.getParent());
			Files.writeString(file, text, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the figures", ex);
		}
	}

	private static String escape(String cell) {
		return cell.replace("|", "\\|");
	}

	/**
	 * Return the module's build directory, from the {@code e2e.build-directory} system
	 * property the build sets.
	 * @return the directory
	 */
	static Path buildDirectory() {
		return Path.of(System.getProperty("e2e.build-directory", "target"));
	}

	/**
	 * Format a duration as a figure.
	 * @param duration the duration
	 * @return seconds with two decimals, such as {@code 1.25 s}
	 */
	static String seconds(Duration duration) {
		return String.format("%.2f s", duration.toMillis() / 1e3);
	}

}
