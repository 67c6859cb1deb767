package dev.phanes.discovery;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * How Phanes services map onto DNS-SD names and TXT records (RFC 6763): a service id
 * {@code orders} is the service type {@code _orders._tcp.local.}, an instance is the
 * instance label in front of it, and metadata is carried as {@code key=value} strings in
 * the TXT record.
 */
public final class DnsSd {

	/**
	 * TXT key telling peers whether to call the instance over HTTPS.
	 */
	public static final String SECURE_KEY = "secure";

	/**
	 * Longest label in a DNS name, in bytes.
	 */
	public static final int MAX_LABEL_BYTES = 63;

	/**
	 * Longest string in a TXT record ({@code key=value}), in bytes.
	 */
	public static final int MAX_TXT_STRING_BYTES = 255;

	private static final Pattern SERVICE_ID = Pattern.compile("[a-z0-9](?:[a-z0-9-]*[a-z0-9])?");

	private DnsSd() {
	}

	/**
	 * Return the DNS-SD service type of a service id.
	 * @param serviceId a valid service id
	 * @param domain the domain, such as {@code local}
	 * @return the fully qualified service type, such as {@code _orders._tcp.local.}
	 */
	public static String serviceType(String serviceId, String domain) {
		return "_" + serviceId.toLowerCase(Locale.ROOT) + "._tcp." + trimDots(domain).toLowerCase(Locale.ROOT) + ".";
	}

	/**
	 * Return the service id a DNS-SD service type stands for, or {@code null} when it is
	 * not a TCP service of the domain (or not a service type at all).
	 * @param type a fully qualified service type such as {@code _orders._tcp.local.}
	 * @param domain the domain browsed
	 * @return the service id, lower case, or {@code null}
	 */
	public static @Nullable String serviceId(String type, String domain) {
		String lower = type.toLowerCase(Locale.ROOT);
		String suffix = "._tcp." + trimDots(domain).toLowerCase(Locale.ROOT) + ".";
		if (!lower.startsWith("_") || !lower.endsWith(suffix)) {
			return null;
		}
		String id = lower.substring(1, lower.length() - suffix.length());
		return (isServiceId(id)) ? id : null;
	}

	/**
	 * Return whether a string can be used as a service id: lower-case letters, digits and
	 * inner hyphens, short enough to be a DNS label with its leading underscore.
	 * @param candidate the candidate id
	 * @return whether it is valid
	 */
	public static boolean isServiceId(String candidate) {
		return candidate.length() < MAX_LABEL_BYTES && SERVICE_ID.matcher(candidate).matches();
	}

	/**
	 * Check a service id, lower-casing it (DNS names are case-insensitive).
	 * @param candidate the candidate id
	 * @param source where it came from, for the error message
	 * @return the id, lower case
	 * @throws IllegalArgumentException if it cannot be a DNS-SD service name
	 */
	public static String checkServiceId(String candidate, String source) {
		String id = candidate.toLowerCase(Locale.ROOT);
		if (!isServiceId(id)) {
			throw new IllegalArgumentException("Service id '" + candidate + "' (from " + source
					+ ") cannot be a DNS-SD service name: use letters, digits and inner hyphens, at most "
					+ (MAX_LABEL_BYTES - 1) + " characters");
		}
		return id;
	}

	/**
	 * Check an instance id: one DNS label of at most 63 UTF-8 bytes without dots or
	 * control characters.
	 * @param candidate the candidate id
	 * @param source where it came from, for the error message
	 * @return the id
	 * @throws IllegalArgumentException if it cannot be a DNS-SD instance name
	 */
	public static String checkInstanceId(String candidate, String source) {
		int bytes = candidate.getBytes(StandardCharsets.UTF_8).length;
		boolean printable = candidate.codePoints().noneMatch((c) -> c < 0x20 || c == 0x7f || c == '.');
		if (bytes == 0 || bytes > MAX_LABEL_BYTES || !printable) {
			throw new IllegalArgumentException(
					"Instance id '" + candidate + "' (from " + source + ") cannot be a DNS-SD instance name: use 1 to "
							+ MAX_LABEL_BYTES + " UTF-8 bytes without dots or control characters");
		}
		return candidate;
	}

	/**
	 * Lay out metadata as TXT strings, keeping the entries that fit.
	 * @param secure whether the instance is called over HTTPS (always kept)
	 * @param metadata the metadata to publish, in order
	 * @param maxBytes the largest TXT record to produce
	 * @return the entries kept and the keys left out
	 */
	public static Txt txt(boolean secure, Map<String, String> metadata, int maxBytes) {
		Map<String, String> kept = new LinkedHashMap<>();
		List<String> dropped = new ArrayList<>();
		kept.put(SECURE_KEY, Boolean.toString(secure));
		int size = stringBytes(SECURE_KEY, kept.get(SECURE_KEY));
		for (Map.Entry<String, String> entry : metadata.entrySet()) {
			String key = entry.getKey();
			String value = (entry.getValue() != null) ? entry.getValue() : "";
			int bytes = stringBytes(key, value);
			if (SECURE_KEY.equalsIgnoreCase(key) || !isTxtKey(key) || bytes > MAX_TXT_STRING_BYTES
					|| size + bytes > maxBytes) {
				dropped.add(key);
				continue;
			}
			kept.put(key, value);
			size += bytes;
		}
		return new Txt(Collections.unmodifiableMap(kept), List.copyOf(dropped), size);
	}

	/**
	 * Return whether a string can be a TXT key: printable US-ASCII without {@code =} (RFC
	 * 6763, section 6.4).
	 * @param key the key
	 * @return whether it is valid
	 */
	public static boolean isTxtKey(String key) {
		return !key.isEmpty() && key.chars().allMatch((c) -> c >= 0x20 && c <= 0x7e && c != '=');
	}

	private static int stringBytes(String key, String value) {
		return 1 + key.length() + 1 + value.getBytes(StandardCharsets.UTF_8).length;
	}

	private static String trimDots(String domain) {
		int start = 0;
		int end = domain.length();
		while (start < end && domain.charAt(start) == '.') {
			start++;
		}
		while (end > start && domain.charAt(end - 1) == '.') {
			end--;
		}
		return domain.substring(start, end);
	}

	/**
	 * A TXT record's entries.
	 *
	 * @param entries the entries kept, in order
	 * @param dropped the metadata keys left out: invalid, too long, or beyond the size
	 * limit
	 * @param bytes the size of the record on the wire
	 */
	public record Txt(Map<String, String> entries, List<String> dropped, int bytes) {

	}

}
