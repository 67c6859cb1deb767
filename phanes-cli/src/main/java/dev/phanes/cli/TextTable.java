package dev.phanes.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table of text in aligned columns, two spaces apart, the way {@code kubectl get} and
 * {@code micro services} print: a header row in capitals, then one row per item. A cell
 * that is empty is shown as {@code -}.
 */
final class TextTable {

	private final List<String[]> rows = new ArrayList<>();

	private final int columns;

	/**
	 * Create a table.
	 * @param headers the column titles
	 */
	TextTable(String... headers) {
		this.columns = headers.length;
		this.rows.add(headers.clone());
	}

	/**
	 * Add a row.
	 * @param cells one cell per column
	 * @return this table
	 */
	TextTable add(String... cells) {
		if (cells.length != this.columns) {
			throw new IllegalArgumentException(
					"Expected " + this.columns + " cells, got " + cells.length + ": " + Arrays.toString(cells));
		}
		String[] row = new String[cells.length];
		for (int i = 0; i < cells.length; i++) {
			row[i] = (cells[i] == null || cells[i].isEmpty()) ? "-" : cells[i].replace('\n', ' ');
		}
		this.rows.add(row);
		return this;
	}

	/**
	 * Return the table as lines of text, without trailing spaces.
	 * @return the text, each line ending with a line break
	 */
	String render() {
		int[] widths = new int[this.columns];
		for (String[] row : this.rows) {
			for (int i = 0; i < this.columns; i++) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		StringBuilder text = new StringBuilder();
		for (String[] row : this.rows) {
			StringBuilder line = new StringBuilder();
			for (int i = 0; i < this.columns; i++) {
				line.append(row[i]);
				if (i < this.columns - 1) {
					line.append(" ".repeat(widths[i] - row[i].length() + 2));
				}
			}
			text.append(line.toString().stripTrailing()).append('\n');
		}
		return text.toString();
	}

}
