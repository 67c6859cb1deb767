package dev.phanes.cli;

import java.util.function.BiConsumer;

/**
 * Reads a Server-Sent Events stream line by line (the WHATWG event-stream format): an
 * {@code event:} line names the event, {@code data:} lines make its data, a blank line
 * dispatches it, a line starting with {@code :} is a comment (a keep-alive). Not
 * thread-safe: one reader per stream.
 */
final class ServerSentEvents {

	private final BiConsumer<String, String> dispatch;

	private final StringBuilder data = new StringBuilder();

	private boolean hasData;

	private String event = "";

	/**
	 * Create a reader.
	 * @param dispatch told each event's name ({@code message} if it has none) and data
	 */
	ServerSentEvents(BiConsumer<String, String> dispatch) {
		this.dispatch = dispatch;
	}

	/**
	 * Read one line of the stream, without its line break.
	 * @param line the line
	 */
	void line(String line) {
		if (line.isEmpty()) {
			if (this.hasData) {
				this.dispatch.accept(this.event.isEmpty() ? "message" : this.event, this.data.toString());
			}
			this.data.setLength(0);
			this.hasData = false;
			this.event = "";
			return;
		}
		if (line.startsWith(":")) {
			return;
		}
		int colon = line.indexOf(':');
		String field = (colon >= 0) ? line.substring(0, colon) : line;
		String value = (colon >= 0) ? line.substring(colon + 1) : "";
		if (value.startsWith(" ")) {
			value = value.substring(1);
		}
		if (field.equals("event")) {
			this.event = value;
		}
		else if (field.equals("data")) {
			if (this.hasData) {
				this.data.append('\n');
			}
			this.data.append(value);
			this.hasData = true;
		}
	}

}
