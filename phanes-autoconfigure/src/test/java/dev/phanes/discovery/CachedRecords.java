package dev.phanes.discovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.jmdns.impl.DNSIncoming;

/**
 * An mDNS cache for tests, without a socket or an engine: records read from packets built
 * in the test (parsed by JmDNS's own {@link DNSIncoming} and turned into values by
 * {@link JmdnsRecords}, as the transport does with its cache) or added by hand.
 */
final class CachedRecords implements MdnsRecords {

	private final List<MdnsRecord> records = new ArrayList<>();

	/**
	 * Parse a DNS message as JmDNS does when it arrives, and return its answers as
	 * values; records JmDNS cannot read are left out, as JmDNS leaves them out of its
	 * cache.
	 * @param packet the message
	 * @return its answers, in order
	 */
	static List<MdnsRecord> parse(byte[] packet) {
		try {
			DNSIncoming incoming = new DNSIncoming(
					new DatagramPacket(packet, packet.length, new InetSocketAddress("127.0.0.1", 5353)));
			return incoming.getAllAnswers().stream().map(JmdnsRecords::of).filter(Objects::nonNull).toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Cache the answers of a message.
	 * @param packet the message
	 * @return this cache
	 */
	CachedRecords receive(byte[] packet) {
		this.records.addAll(parse(packet));
		return this;
	}

	/**
	 * Cache records.
	 * @param records the records
	 * @return this cache
	 */
	CachedRecords add(MdnsRecord... records) {
		this.records.addAll(List.of(records));
		return this;
	}

	/**
	 * Forget every record of a name and type, as a cache does when a record with the
	 * cache-flush bit replaces them.
	 * @param name the name
	 * @param type the type
	 * @return this cache
	 */
	CachedRecords flush(String name, MdnsRecord.Type type) {
		this.records.removeIf((record) -> record.name().equalsIgnoreCase(name) && record.type() == type);
		return this;
	}

	@Override
	public Iterable<MdnsRecord> find(String name, MdnsRecord.Type type) {
		return this.records.stream()
			.filter((record) -> record.name().equalsIgnoreCase(name) && record.type() == type)
			.toList();
	}

}
