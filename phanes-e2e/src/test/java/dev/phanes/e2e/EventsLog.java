package dev.phanes.e2e;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The notes one sample-app process says its {@code @EventListener} heard, read from its
 * log file as it grows: each {@code Heard of note <id>} line (the sample's
 * {@code NoteActivity}) counts once for its id, so an id counted twice was delivered
 * twice. Only complete lines are read; a line still being written waits for the next
 * {@link #read()}. Thread-safe.
 */
final class EventsLog {

	private static final Pattern HEARD = Pattern.compile("Heard of note (\\S+)");

	private final Path file;

	private final Map<String, Integer> heard = new HashMap<>();

	private long offset;

	private long lines;

	private long firstHeard;

	/**
	 * Follow a log file; nothing is read until {@link #read()}.
	 * @param file the log file, which may not exist yet
	 */
	EventsLog(Path file) {
		this.file = file;
	}

	/**
	 * Read the lines written since the last call and count the notes they heard.
	 * @return how many {@code Heard of note} lines the file has so far
	 */
	synchronized long read() {
		if (!Files.isRegularFile(this.file)) {
			return this.lines;
		}
		try (RandomAccessFile in = new RandomAccessFile(this.file.toFile(), "r")) {
			long length = in.length();
			if (length <= this.offset) {
				return this.lines;
			}
			byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, length - this.offset)];
			in.seek(this.offset);
			in.readFully(bytes);
			int end = bytes.length;
			while (end > 0 && bytes[end - 1] != '\n') {
				end--;
			}
			this.offset += end;
			Matcher matcher = HEARD.matcher(new String(bytes, 0, end, StandardCharsets.UTF_8));
			while (matcher.find()) {
				this.heard.merge(matcher.group(1), 1, Integer::sum);
				if (this.lines++ == 0) {
					this.firstHeard = System.nanoTime();
				}
			}
			return this.lines;
		}
		catch (IOException ex) {
			// the process may be writing or gone; the next read tries again
			return this.lines;
		}
	}

	/**
	 * Return how often each note was heard so far, as of the last {@link #read()}.
	 * @return a copy of the counts by note id
	 */
	synchronized Map<String, Integer> heard() {
		return Map.copyOf(this.heard);
	}

	/**
	 * Return when the first {@code Heard of note} line was read, on the
	 * {@link System#nanoTime()} scale: as exact as the reads are frequent.
	 * @return the time, or empty if none was read yet
	 */
	synchronized Optional<Long> firstHeard() {
		return (this.lines > 0) ? Optional.of(this.firstHeard) : Optional.empty();
	}

	/**
	 * Return the first whole line that says a note was heard.
	 * @param id the note id
	 * @return the log line, or empty if there is none (yet)
	 */
	Optional<String> lineOf(String id) {
		String wanted = "Heard of note " + id;
		try (Stream<String> lines = Files.lines(this.file, StandardCharsets.UTF_8)) {
			return lines.filter((line) -> line.endsWith(wanted) || line.contains(wanted + " ")).findFirst();
		}
		catch (IOException | UncheckedIOException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Return the file it reads.
	 * @return the log file
	 */
	Path file() {
		return this.file;
	}

}
