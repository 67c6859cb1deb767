package dev.phanes.discovery;

/**
 * The records an mDNS cache holds, looked up by name and type: what
 * {@link MdnsCacheReader} reads. {@link MdnsTransport} answers from JmDNS's cache.
 */
@FunctionalInterface
interface MdnsRecords {

	/**
	 * Return the records of a name and type, of every class, in the cache's order.
	 * @param name the name, in any case (DNS names are case-insensitive)
	 * @param type the type
	 * @return the records; they may be converted as they are iterated
	 */
	Iterable<MdnsRecord> find(String name, MdnsRecord.Type type);

}
