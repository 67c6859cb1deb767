package dev.phanes.cli;

import java.util.HexFormat;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A W3C Trace Context {@code traceparent} header: the trace a call starts, so that the
 * called service's spans and log lines carry a trace id the user was told.
 *
 * @param traceId 32 lowercase hexadecimal digits, not all zero
 * @param spanId 16 lowercase hexadecimal digits, not all zero
 */
record TraceParent(String traceId, String spanId) {

	/**
	 * Name of the header.
	 */
	static final String HEADER = "traceparent";

	private static final Pattern FORMAT = Pattern
		.compile("^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$");

	/**
	 * Start a new sampled trace.
	 * @param random the random source
	 * @return the trace's parent
	 */
	static TraceParent random(RandomGenerator random) {
		return new TraceParent(nonZeroHex(random, 16), nonZeroHex(random, 8));
	}

	/**
	 * Read the trace id of a {@code traceparent} header.
	 * @param header the header's value
	 * @return the trace id, or {@code null} if the header is not a valid one
	 */
	static @Nullable String traceIdOf(String header) {
		Matcher matcher = FORMAT.matcher(header.trim());
		if (!matcher.matches() || "ff".equals(matcher.group(1)) || matcher.group(2).matches("0+")
				|| matcher.group(3).matches("0+")) {
			return null;
		}
		return matcher.group(2);
	}

	/**
	 * Return the header's value.
	 * @return version 00, this trace and span, sampled
	 */
	String header() {
		return "00-" + this.traceId + "-" + this.spanId + "-01";
	}

	private static String nonZeroHex(RandomGenerator random, int bytes) {
		byte[] value = new byte[bytes];
		do {
			random.nextBytes(value);
		}
		while (isZero(value));
		return HexFormat.of().formatHex(value);
	}

	private static boolean isZero(byte[] value) {
		for (byte b : value) {
			if (b != 0) {
				return false;
			}
		}
		return true;
	}

}
