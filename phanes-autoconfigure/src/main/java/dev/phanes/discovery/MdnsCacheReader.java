package dev.phanes.discovery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * Reads the instances of the browsed services out of an mDNS cache's records: records in,
 * a snapshot of service instances out. It has no state, no thread and no socket; what it
 * reads is the caller's, and so is the time.
 * <p>
 * The rules: a record counts if it is of class IN and {@link MdnsRecord#isCurrent
 * current} (not expired, no goodbye); where several records of a name and type count, the
 * newest wins. An instance is listed once its PTR, SRV, TXT and an address of its host
 * (A, else AAAA) all count; one announced without them is reported as unresolved, unless
 * its SRV record received a goodbye. At most {@code maxInstances} instances are listed
 * over all services; each service cut short by that limit is counted as ignored.
 */
final class MdnsCacheReader {

	private final int maxInstances;

	/**
	 * Create a reader.
	 * @param maxInstances the most instances listed, over all services
	 */
	MdnsCacheReader(int maxInstances) {
		this.maxInstances = maxInstances;
	}

	/**
	 * Read the instances of the browsed services.
	 * @param browsed the DNS-SD service type of each browsed service id
	 * @param records the cache's records
	 * @param now the current time in milliseconds
	 * @return the services with instances, and what is still to resolve
	 */
	Reading read(Map<String, String> browsed, MdnsRecords records, long now) {
		Map<String, List<DiscoveredInstance>> services = new TreeMap<>();
		List<Unresolved> unresolved = new ArrayList<>();
		int ignored = 0;
		int count = 0;
		for (Map.Entry<String, String> service : browsed.entrySet()) {
			String serviceId = service.getKey();
			String type = service.getValue();
			// by instance id: sorted, and one entry per instance however many pointers
			// name it
			Map<String, DiscoveredInstance> instances = new TreeMap<>();
			for (MdnsRecord record : records.find(type, MdnsRecord.Type.PTR)) {
				if (!(record instanceof MdnsRecord.Pointer pointer) || !counts(pointer, now)) {
					continue;
				}
				if (count >= this.maxInstances) {
					ignored++;
					break;
				}
				String name = pointer.instanceName();
				DiscoveredInstance instance = instance(records, serviceId, name + "." + type, name, now);
				if (instance == null) {
					if (!saidGoodbye(records, name + "." + type)) {
						unresolved.add(new Unresolved(type, name));
					}
				}
				else if (instances.putIfAbsent(instance.instanceId(), instance) == null) {
					count++;
				}
			}
			if (!instances.isEmpty()) {
				services.put(serviceId, List.copyOf(instances.values()));
			}
		}
		return new Reading(Collections.unmodifiableMap(services), List.copyOf(unresolved), ignored);
	}

	private static @Nullable DiscoveredInstance instance(MdnsRecords records, String serviceId, String qualified,
			String name, long now) {
		MdnsRecord.Service service = newest(records, qualified, MdnsRecord.Type.SRV, MdnsRecord.Service.class, now);
		if (service == null) {
			return null;
		}
		String address = address(records, service.server(), now);
		if (address == null) {
			return null;
		}
		MdnsRecord.Text text = newest(records, qualified, MdnsRecord.Type.TXT, MdnsRecord.Text.class, now);
		if (text == null) {
			// DNS-SD publishes a TXT record with every service: without it, whether to
			// call over HTTPS is not known yet
			return null;
		}
		Map<String, String> metadata = new LinkedHashMap<>();
		boolean secure = false;
		for (Map.Entry<String, String> entry : text.entries().entrySet()) {
			if (DnsSd.SECURE_KEY.equalsIgnoreCase(entry.getKey())) {
				secure = Boolean.parseBoolean(entry.getValue());
			}
			else {
				metadata.put(entry.getKey(), entry.getValue());
			}
		}
		return new DiscoveredInstance(serviceId, name, address, service.port(), secure, metadata);
	}

	/**
	 * Return whether an instance's SRV record received a goodbye: a PTR still heard for
	 * it (a peer answering while it unregisters) does not make it unresolved again.
	 */
	private static boolean saidGoodbye(MdnsRecords records, String qualified) {
		for (MdnsRecord record : records.find(qualified, MdnsRecord.Type.SRV)) {
			if (record.matchesInternet() && record.saidGoodbye()) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable String address(MdnsRecords records, String server, long now) {
		MdnsRecord.Address newest = newest(records, server, MdnsRecord.Type.A, MdnsRecord.Address.class, now);
		if (newest == null) {
			newest = newest(records, server, MdnsRecord.Type.AAAA, MdnsRecord.Address.class, now);
		}
		return (newest != null) ? newest.address() : null;
	}

	private static <R extends MdnsRecord> @Nullable R newest(MdnsRecords records, String name, MdnsRecord.Type type,
			Class<R> kind, long now) {
		R newest = null;
		for (MdnsRecord record : records.find(name, type)) {
			if (kind.isInstance(record) && counts(record, now)
					&& (newest == null || record.createdMillis() > newest.createdMillis())) {
				newest = kind.cast(record);
			}
		}
		return newest;
	}

	/**
	 * Return whether a record counts: of class IN (a lookup of class IN also finds class
	 * ANY) and current.
	 */
	private static boolean counts(MdnsRecord record, long now) {
		return record.dnsClass() == MdnsRecord.CLASS_IN && record.isCurrent(now);
	}

	/**
	 * What one reading found.
	 *
	 * @param services the instances of each service that has some, by service id
	 * (sorted), each list sorted by instance id
	 * @param unresolved instances announced by a PTR record whose SRV, TXT or address
	 * records are missing
	 * @param ignored how many services were cut short because the instance limit was
	 * reached
	 */
	record Reading(Map<String, List<DiscoveredInstance>> services, List<Unresolved> unresolved, int ignored) {

		/**
		 * Return whether some instance is announced but not yet resolved.
		 * @return whether to read again soon
		 */
		boolean pending() {
			return !this.unresolved.isEmpty();
		}

	}

	/**
	 * An instance announced but not resolved.
	 *
	 * @param type its service type
	 * @param name its instance name
	 */
	record Unresolved(String type, String name) {

	}

}
