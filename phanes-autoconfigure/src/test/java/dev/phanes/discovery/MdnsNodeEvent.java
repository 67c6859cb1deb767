package dev.phanes.discovery;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * A change of an {@link MdnsNode}'s view, as the node printed it.
 *
 * @param kind {@code ADDED}, {@code UPDATED} or {@code REMOVED}
 * @param serviceId the service id
 * @param instanceId the instance id
 * @param host the address
 * @param port the port
 * @param secure whether the instance is called over HTTPS
 * @param metadata the metadata
 */
record MdnsNodeEvent(String kind, String serviceId, String instanceId, String host, int port, boolean secure,
		Map<String, String> metadata) {

	/**
	 * Read a line printed by a node.
	 * @param line the line
	 * @return the event, or {@code null} if the line is not a view change
	 */
	static @Nullable MdnsNodeEvent parse(String line) {
		String[] fields = line.split(" ");
		if (fields.length < 6 || !fields[0].matches("ADDED|UPDATED|REMOVED")) {
			return null;
		}
		Map<String, String> metadata = new LinkedHashMap<>();
		for (int i = 6; i < fields.length; i++) {
			int equals = fields[i].indexOf('=');
			metadata.put(fields[i].substring(0, equals), fields[i].substring(equals + 1));
		}
		return new MdnsNodeEvent(fields[0], fields[1], fields[2], fields[3], Integer.parseInt(fields[4]),
				Boolean.parseBoolean(fields[5]), metadata);
	}

	/**
	 * Return a test for lines that report a change of one instance.
	 * @param kind {@code ADDED}, {@code UPDATED} or {@code REMOVED}
	 * @param serviceId the service id
	 * @param instanceId the instance id
	 * @return the test
	 */
	static Predicate<String> is(String kind, String serviceId, String instanceId) {
		return (line) -> {
			MdnsNodeEvent event = parse(line);
			return event != null && event.kind().equals(kind) && event.serviceId().equals(serviceId)
					&& event.instanceId().equals(instanceId);
		};
	}

	/**
	 * Return a test for lines that report an instance added or updated with metadata,
	 * that is with its TXT record read.
	 * @param serviceId the service id
	 * @param instanceId the instance id
	 * @return the test
	 */
	static Predicate<String> isSeenWithMetadata(String serviceId, String instanceId) {
		return (line) -> {
			MdnsNodeEvent event = parse(line);
			return event != null && !event.kind().equals("REMOVED") && event.serviceId().equals(serviceId)
					&& event.instanceId().equals(instanceId) && !event.metadata().isEmpty();
		};
	}

}
