package dev.phanes.discovery;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Chooses the address multicast DNS binds to: the configured address, else the first IPv4
 * address of the configured interface, else the host's LAN (the first interface that is
 * up, multicast-capable, not loopback, virtual or point-to-point, preferring a site-local
 * IPv4 address).
 */
final class MdnsAddresses {

	private MdnsAddresses() {
	}

	static InetAddress resolve(@Nullable String address, @Nullable String interfaceName) throws IOException {
		if (address != null && !address.isBlank()) {
			InetAddress resolved = InetAddress.getByName(address.trim());
			if (NetworkInterface.getByInetAddress(resolved) == null) {
				throw new IllegalStateException("phanes.discovery.mdns.address " + address
						+ " is not an address of this host; its interfaces have " + describeInterfaces());
			}
			return resolved;
		}
		if (interfaceName != null && !interfaceName.isBlank()) {
			NetworkInterface networkInterface = NetworkInterface.getByName(interfaceName.trim());
			if (networkInterface == null) {
				throw new IllegalStateException("phanes.discovery.mdns.network-interface " + interfaceName
						+ " does not exist; this host has " + describeInterfaces());
			}
			InetAddress first = null;
			for (InetAddress candidate : Collections.list(networkInterface.getInetAddresses())) {
				if (candidate instanceof Inet4Address) {
					return candidate;
				}
				first = (first != null) ? first : candidate;
			}
			if (first == null) {
				throw new IllegalStateException(
						"phanes.discovery.mdns.network-interface " + interfaceName + " has no address");
			}
			return first;
		}
		return lan();
	}

	private static InetAddress lan() throws SocketException {
		InetAddress fallback = null;
		for (NetworkInterface candidate : Collections.list(NetworkInterface.getNetworkInterfaces())) {
			if (!candidate.isUp() || candidate.isLoopback() || !candidate.supportsMulticast() || candidate.isVirtual()
					|| candidate.isPointToPoint()) {
				continue;
			}
			for (InetAddress address : Collections.list(candidate.getInetAddresses())) {
				if (address instanceof Inet4Address && address.isSiteLocalAddress()) {
					return address;
				}
				if (fallback == null && address instanceof Inet4Address) {
					fallback = address;
				}
			}
		}
		if (fallback == null) {
			throw new IllegalStateException("No multicast-capable LAN interface found for mDNS discovery (interfaces: "
					+ describeInterfaces() + "); set phanes.discovery.mdns.address (127.0.0.1 keeps discovery "
					+ "on this machine) or phanes.discovery.mdns.enabled=false");
		}
		return fallback;
	}

	private static String describeInterfaces() {
		try {
			List<String> names = new ArrayList<>();
			for (NetworkInterface candidate : Collections.list(NetworkInterface.getNetworkInterfaces())) {
				List<String> addresses = new ArrayList<>();
				candidate.getInterfaceAddresses()
					.forEach((address) -> addresses.add(address.getAddress().getHostAddress()));
				names.add(candidate.getName() + " " + addresses);
			}
			return String.join(", ", names);
		}
		catch (SocketException ex) {
			return "(unknown: " + ex.getMessage() + ")";
		}
	}

}
