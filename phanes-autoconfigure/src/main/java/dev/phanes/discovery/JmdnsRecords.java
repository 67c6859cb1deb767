package dev.phanes.discovery;

import java.net.InetAddress;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import javax.jmdns.ServiceInfo;
import javax.jmdns.impl.DNSCache;
import javax.jmdns.impl.DNSEntry;
import javax.jmdns.impl.DNSRecord;
import javax.jmdns.impl.constants.DNSRecordClass;
import javax.jmdns.impl.constants.DNSRecordType;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * JmDNS's record cache as {@link MdnsRecords}: each cached record turned into an
 * {@link MdnsRecord} value as it is read, its data decoded the way JmDNS decodes it. A
 * companion of {@link MdnsTransport}: with it, the only class that uses
 * {@code javax.jmdns.impl}.
 * <p>
 * Thread-safe: the cache is JmDNS's concurrent map, and each lookup works on a copy of
 * its entries.
 */
final class JmdnsRecords implements MdnsRecords {

	private static final Log logger = LogFactory.getLog(JmdnsRecords.class);

	private final DNSCache cache;

	/**
	 * Read a cache.
	 * @param cache JmDNS's record cache
	 */
	JmdnsRecords(DNSCache cache) {
		this.cache = cache;
	}

	@Override
	public Iterable<MdnsRecord> find(String name, MdnsRecord.Type type) {
		Collection<? extends DNSEntry> entries = this.cache.getDNSEntryList(name, recordType(type),
				DNSRecordClass.CLASS_ANY);
		return () -> entries.stream().map(JmdnsRecords::of).filter(Objects::nonNull).iterator();
	}

	/**
	 * Turn a JmDNS record into a value.
	 * @param entry a cached entry or a record read from a packet
	 * @return the value, or {@code null} if it is not a record of a type the view reads
	 * or JmDNS cannot decode its data
	 */
	static @Nullable MdnsRecord of(DNSEntry entry) {
		if (!(entry instanceof DNSRecord record)) {
			return null;
		}
		try {
			return convert(record);
		}
		catch (RuntimeException ex) {
			logger.debug("Ignoring an mDNS record JmDNS cannot decode: " + record, ex);
			return null;
		}
	}

	private static @Nullable MdnsRecord convert(DNSRecord record) {
		String name = record.getName();
		int dnsClass = record.getRecordClass().indexValue();
		int ttl = record.getTTL();
		long created = record.getCreated();
		return switch (record.getRecordType()) {
			case TYPE_PTR -> new MdnsRecord.Pointer(name, dnsClass, ttl, created, record.getServiceInfo().getName());
			case TYPE_SRV -> {
				ServiceInfo info = record.getServiceInfo();
				yield new MdnsRecord.Service(name, dnsClass, ttl, created, info.getServer(), info.getPort());
			}
			case TYPE_TXT -> new MdnsRecord.Text(name, dnsClass, ttl, created, entries(record.getServiceInfo()));
			case TYPE_A, TYPE_AAAA -> new MdnsRecord.Address(name, dnsClass, ttl, created,
					record.getRecordType() == DNSRecordType.TYPE_AAAA, address(record.getServiceInfo()));
			default -> null;
		};
	}

	/**
	 * Return the TXT entries JmDNS decoded that have a value ({@code true} for a key
	 * without {@code =}).
	 */
	private static Map<String, String> entries(ServiceInfo info) {
		Map<String, String> entries = new LinkedHashMap<>();
		Enumeration<String> keys = info.getPropertyNames();
		while (keys.hasMoreElements()) {
			String key = keys.nextElement();
			String value = info.getPropertyString(key);
			if (value != null) {
				entries.put(key, value);
			}
		}
		return entries;
	}

	private static @Nullable String address(ServiceInfo info) {
		InetAddress[] addresses = info.getInetAddresses();
		return (addresses.length > 0) ? addresses[0].getHostAddress() : null;
	}

	private static DNSRecordType recordType(MdnsRecord.Type type) {
		return switch (type) {
			case PTR -> DNSRecordType.TYPE_PTR;
			case SRV -> DNSRecordType.TYPE_SRV;
			case TXT -> DNSRecordType.TYPE_TXT;
			case A -> DNSRecordType.TYPE_A;
			case AAAA -> DNSRecordType.TYPE_AAAA;
		};
	}

}
