package dev.phanes.discovery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes DNS messages (RFC 1035) byte by byte, valid or not: a test sends what it builds
 * to see how a receiver copes. Names are written in full (no compression) unless a test
 * writes pointers itself, and counts in the header are whatever the test says, whether or
 * not they match what follows.
 */
final class DnsPacketBuilder {

	static final int TYPE_A = 1;

	static final int TYPE_PTR = 12;

	static final int TYPE_HINFO = 13;

	static final int TYPE_TXT = 16;

	static final int TYPE_AAAA = 28;

	static final int TYPE_SRV = 33;

	static final int TYPE_OPT = 41;

	static final int TYPE_NSEC = 47;

	static final int TYPE_ANY = 255;

	static final int CLASS_IN = 1;

	static final int CLASS_CHAOS = 3;

	static final int CLASS_ANY = 255;

	/**
	 * The mDNS cache-flush bit of a record's class (the unicast-response bit of a
	 * question's).
	 */
	static final int CACHE_FLUSH = 0x8000;

	/**
	 * Flags of an authoritative response.
	 */
	static final int FLAGS_RESPONSE = 0x8400;

	/**
	 * Flags of a query.
	 */
	static final int FLAGS_QUERY = 0;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);

	/**
	 * Start a response whose header announces some answers.
	 * @param answers the answer count to write
	 * @return the builder
	 */
	static DnsPacketBuilder response(int answers) {
		return new DnsPacketBuilder().header(0, FLAGS_RESPONSE, 0, answers, 0, 0);
	}

	/**
	 * Start a query whose header announces some questions.
	 * @param questions the question count to write
	 * @return the builder
	 */
	static DnsPacketBuilder query(int questions) {
		return new DnsPacketBuilder().header(0, FLAGS_QUERY, questions, 0, 0, 0);
	}

	/**
	 * Start an empty message, header included.
	 * @return the builder
	 */
	static DnsPacketBuilder empty() {
		return new DnsPacketBuilder();
	}

	DnsPacketBuilder header(int id, int flags, int questions, int answers, int authorities, int additionals) {
		return u16(id).u16(flags).u16(questions).u16(answers).u16(authorities).u16(additionals);
	}

	DnsPacketBuilder u8(int value) {
		this.out.write(value & 0xFF);
		return this;
	}

	DnsPacketBuilder u16(int value) {
		return u8(value >>> 8).u8(value);
	}

	DnsPacketBuilder u32(int value) {
		return u16(value >>> 16).u16(value);
	}

	DnsPacketBuilder bytes(byte[] bytes) {
		this.out.write(bytes, 0, bytes.length);
		return this;
	}

	/**
	 * Write a name as length-prefixed labels and the terminating zero.
	 * @param name a dotted name; a trailing dot is optional
	 * @return the builder
	 */
	DnsPacketBuilder name(String name) {
		return bytes(nameBytes(name));
	}

	/**
	 * Write one label with its length byte, however long it is: a label of more than 63
	 * bytes gets a length byte that reads as another kind of label.
	 * @param label the label's bytes
	 * @return the builder
	 */
	DnsPacketBuilder label(byte[] label) {
		return u8(label.length).bytes(label);
	}

	/**
	 * Write a compression pointer.
	 * @param offset where it points, from the start of the message
	 * @return the builder
	 */
	DnsPacketBuilder pointer(int offset) {
		return u16(0xC000 | (offset & 0x3FFF));
	}

	/**
	 * Write the part of a record after its name.
	 * @param type the record type
	 * @param recordClass the class, with the cache-flush bit if wanted
	 * @param ttl the time to live in seconds
	 * @param length the data length to announce
	 * @return the builder
	 */
	DnsPacketBuilder recordHeader(int type, int recordClass, int ttl, int length) {
		return u16(type).u16(recordClass).u32(ttl).u16(length);
	}

	/**
	 * Write a whole record with the right data length.
	 * @param name its name
	 * @param type the record type
	 * @param recordClass the class, with the cache-flush bit if wanted
	 * @param ttl the time to live in seconds
	 * @param data the record data
	 * @return the builder
	 */
	DnsPacketBuilder record(String name, int type, int recordClass, int ttl, byte[] data) {
		return name(name).recordHeader(type, recordClass, ttl, data.length).bytes(data);
	}

	/**
	 * Write a question.
	 * @param name the name asked for
	 * @param type the type asked for
	 * @param questionClass the class, with the unicast-response bit if wanted
	 * @return the builder
	 */
	DnsPacketBuilder question(String name, int type, int questionClass) {
		return name(name).u16(type).u16(questionClass);
	}

	/**
	 * Return how many bytes were written.
	 * @return the size
	 */
	int size() {
		return this.out.size();
	}

	byte[] build() {
		return this.out.toByteArray();
	}

	static byte[] nameBytes(String name) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(name.length() + 2);
		for (String label : name.split("\\.")) {
			if (label.isEmpty()) {
				continue;
			}
			byte[] encoded = label.getBytes(StandardCharsets.UTF_8);
			bytes.write(encoded.length);
			bytes.write(encoded, 0, encoded.length);
		}
		bytes.write(0);
		return bytes.toByteArray();
	}

	static byte[] srv(int priority, int weight, int port, String target) {
		return new DnsPacketBuilder().u16(priority).u16(weight).u16(port).name(target).build();
	}

	static byte[] txt(String... strings) {
		DnsPacketBuilder data = new DnsPacketBuilder();
		for (String string : strings) {
			data.label(string.getBytes(StandardCharsets.UTF_8));
		}
		return data.build();
	}

	static byte[] ipv4(int a, int b, int c, int d) {
		return new byte[] { (byte) a, (byte) b, (byte) c, (byte) d };
	}

}
