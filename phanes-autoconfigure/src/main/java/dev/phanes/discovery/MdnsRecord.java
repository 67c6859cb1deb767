package dev.phanes.discovery;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One DNS-SD record of an mDNS cache, as a value: what the view reads, without JmDNS's
 * types. The transport turns the records JmDNS has cached into these; a test can build
 * them from a packet or by hand.
 */
sealed interface MdnsRecord permits MdnsRecord.Pointer, MdnsRecord.Service, MdnsRecord.Text, MdnsRecord.Address {

	/**
	 * The DNS class of the Internet.
	 */
	int CLASS_IN = 1;

	/**
	 * The DNS class that matches every class.
	 */
	int CLASS_ANY = 255;

	/**
	 * The TTL, in seconds, of a record that received a goodbye (TTL 0) or was replaced by
	 * a cache flush: an mDNS cache keeps it for one more second with this TTL (RFC 6762,
	 * section 10.1), as JmDNS does.
	 */
	int GOODBYE_TTL_SECONDS = 1;

	/**
	 * Return the record's name, such as {@code _orders._tcp.local.} for a pointer.
	 * @return the name
	 */
	String name();

	/**
	 * Return the record's DNS class, without the cache-flush bit.
	 * @return the class
	 */
	int dnsClass();

	/**
	 * Return the record's time to live as the cache holds it.
	 * @return the TTL in seconds
	 */
	int ttlSeconds();

	/**
	 * Return when the record was received (or its TTL last refreshed).
	 * @return the time in milliseconds since the epoch
	 */
	long createdMillis();

	/**
	 * Return the record's type.
	 * @return the type
	 */
	Type type();

	/**
	 * Return whether the record is of class IN or ANY, as an mDNS cache matches a lookup
	 * of class IN.
	 * @return whether a lookup of class IN finds it
	 */
	default boolean matchesInternet() {
		return dnsClass() == CLASS_IN || dnsClass() == CLASS_ANY;
	}

	/**
	 * Return whether the record received a goodbye or was flushed.
	 * @return whether its TTL is that of a goodbye
	 */
	default boolean saidGoodbye() {
		return ttlSeconds() <= GOODBYE_TTL_SECONDS;
	}

	/**
	 * Return whether the record still counts: not expired, and not marked by a goodbye or
	 * a cache flush.
	 * @param now the current time in milliseconds
	 * @return whether it counts
	 */
	default boolean isCurrent(long now) {
		return createdMillis() + ttlSeconds() * 1000L > now && !saidGoodbye();
	}

	/**
	 * The record types the view reads.
	 */
	enum Type {

		/**
		 * A pointer from a service type to an instance.
		 */
		PTR,

		/**
		 * An instance's host and port.
		 */
		SRV,

		/**
		 * An instance's metadata.
		 */
		TXT,

		/**
		 * A host's IPv4 address.
		 */
		A,

		/**
		 * A host's IPv6 address.
		 */
		AAAA

	}

	/**
	 * A PTR record: an instance of a service type.
	 *
	 * @param name the service type
	 * @param dnsClass the DNS class
	 * @param ttlSeconds the TTL in seconds
	 * @param createdMillis when it was received
	 * @param instanceName the instance's name, without the service type
	 */
	record Pointer(String name, int dnsClass, int ttlSeconds, long createdMillis,
			String instanceName) implements MdnsRecord {

		@Override
		public Type type() {
			return Type.PTR;
		}

	}

	/**
	 * An SRV record: where an instance answers.
	 *
	 * @param name the instance's qualified name
	 * @param dnsClass the DNS class
	 * @param ttlSeconds the TTL in seconds
	 * @param createdMillis when it was received
	 * @param server the host name to look the address up under
	 * @param port the port
	 */
	record Service(String name, int dnsClass, int ttlSeconds, long createdMillis, String server,
			int port) implements MdnsRecord {

		@Override
		public Type type() {
			return Type.SRV;
		}

	}

	/**
	 * A TXT record: an instance's metadata.
	 *
	 * @param name the instance's qualified name
	 * @param dnsClass the DNS class
	 * @param ttlSeconds the TTL in seconds
	 * @param createdMillis when it was received
	 * @param entries the {@code key=value} strings that have a value, in order
	 */
	record Text(String name, int dnsClass, int ttlSeconds, long createdMillis,
			Map<String, String> entries) implements MdnsRecord {

		public Text {
			entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
		}

		@Override
		public Type type() {
			return Type.TXT;
		}

	}

	/**
	 * An A or AAAA record: a host's address.
	 *
	 * @param name the host name
	 * @param dnsClass the DNS class
	 * @param ttlSeconds the TTL in seconds
	 * @param createdMillis when it was received
	 * @param ipv6 whether it is an AAAA record
	 * @param address the address as a literal, or {@code null} if the record held none
	 */
	record Address(String name, int dnsClass, int ttlSeconds, long createdMillis, boolean ipv6,
			@Nullable String address) implements MdnsRecord {

		@Override
		public Type type() {
			return this.ipv6 ? Type.AAAA : Type.A;
		}

	}

}
