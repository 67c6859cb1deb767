package dev.phanes.cli;

import java.io.PrintWriter;
import java.time.Duration;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a command writes: results on standard output, as text or as JSON, and notes and
 * warnings on standard error, so that standard output stays parseable. Thread-safe: each
 * print is one locked write followed by a flush, so lines of concurrent log streams do
 * not interleave.
 */
final class Console {

	/**
	 * The JSON mapper of Actuator answers and of {@code --json} output: ISO-8601
	 * instants, record components in declaration order, unknown properties ignored.
	 */
	static final JsonMapper JSON = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
		.disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
		.build();

	private final PrintWriter out;

	private final PrintWriter err;

	private final boolean json;

	/**
	 * Create a console.
	 * @param out standard output
	 * @param err standard error
	 * @param json whether results are printed as JSON
	 */
	Console(PrintWriter out, PrintWriter err, boolean json) {
		this.out = out;
		this.err = err;
		this.json = json;
	}

	/**
	 * Return whether results are printed as JSON.
	 * @return whether {@code --json} was given
	 */
	boolean json() {
		return this.json;
	}

	/**
	 * Print text on standard output as it is.
	 * @param text the text, with its line breaks
	 */
	synchronized void print(String text) {
		this.out.print(text);
		this.out.flush();
	}

	/**
	 * Print a line on standard output.
	 * @param line the line
	 */
	synchronized void println(String line) {
		this.out.println(line);
		this.out.flush();
	}

	/**
	 * Print a value as one indented JSON document on standard output.
	 * @param value the value (records, lists, maps)
	 */
	synchronized void printJson(Object value) {
		this.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
		this.out.flush();
	}

	/**
	 * Print a value as JSON on one line of standard output (JSON Lines).
	 * @param value the value
	 */
	synchronized void printJsonLine(Object value) {
		this.out.println(JSON.writeValueAsString(value));
		this.out.flush();
	}

	/**
	 * Print a note for the user on standard error.
	 * @param message the note
	 */
	synchronized void note(String message) {
		this.err.println(message);
		this.err.flush();
	}

	/**
	 * Print a warning on standard error.
	 * @param message what went wrong
	 */
	synchronized void warn(String message) {
		this.err.println("warning: " + message);
		this.err.flush();
	}

	/**
	 * Format a duration the way options take it.
	 * @param duration the duration
	 * @return for example {@code 2s} or {@code 1500ms}
	 */
	static String format(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	/**
	 * Format an uptime.
	 * @param seconds the uptime in seconds
	 * @return for example {@code 3d 4h}, {@code 2h 05m}, {@code 4m 09s} or {@code 12s}
	 */
	static String uptime(double seconds) {
		long total = (long) seconds;
		long days = total / 86_400;
		long hours = (total % 86_400) / 3_600;
		long minutes = (total % 3_600) / 60;
		long secs = total % 60;
		if (days > 0) {
			return days + "d " + hours + "h";
		}
		if (hours > 0) {
			return String.format("%dh %02dm", hours, minutes);
		}
		if (minutes > 0) {
			return String.format("%dm %02ds", minutes, secs);
		}
		return secs + "s";
	}

}
