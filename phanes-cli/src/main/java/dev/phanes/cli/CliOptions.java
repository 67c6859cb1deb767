package dev.phanes.cli;

import java.time.Duration;
import java.util.List;

/**
 * The options every command takes, as given on the command line.
 *
 * @param json whether to print machine-readable JSON instead of text
 * @param etcd the etcd endpoints to discover services in, or empty for mDNS
 * @param mdnsAddress the address mDNS listens on
 * @param listen how long to listen to mDNS before answering
 * @param timeout the longest wait for one HTTP request (connect and answer)
 * @param verbose whether to log what Phanes and Spring do, on standard error
 */
record CliOptions(boolean json, List<String> etcd, String mdnsAddress, Duration listen, Duration timeout,
		boolean verbose) {

	/**
	 * The address mDNS listens on unless told otherwise: loopback, so that the command
	 * never sends multicast on a network of its own accord.
	 */
	static final String DEFAULT_MDNS_ADDRESS = "127.0.0.1";

	/**
	 * Create options.
	 */
	CliOptions {
		etcd = List.copyOf(etcd);
	}

	/**
	 * Return whether services are discovered in etcd rather than over mDNS.
	 * @return whether etcd endpoints were given
	 */
	boolean usesEtcd() {
		return !this.etcd.isEmpty();
	}

}
