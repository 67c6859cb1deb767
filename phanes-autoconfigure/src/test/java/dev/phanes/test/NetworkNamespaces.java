package dev.phanes.test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two Linux network namespaces on a switch: each has one interface, {@code 198.18.0.1/24}
 * in the first and {@code 198.18.0.2/24} in the second (the benchmarking range, RFC
 * 2544), cabled by a veth pair to a bridge in a third namespace. A real link for
 * multicast tests that no packet can leave: the interfaces are created inside the
 * namespaces and never exist in the host's namespace. A cable can be pulled
 * ({@link #setCableConnected}) or an interface taken down ({@link #setLinkUp}).
 * <p>
 * Needs root and {@code ip} (iproute2); when either is missing, {@link #create(String)}
 * skips the test, or fails it on CI (see {@link Prerequisites}).
 */
public final class NetworkNamespaces implements AutoCloseable {

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

	private static final int PREFIX_LENGTH = 24;

	private static final String BRIDGE = "br0";

	private static final AtomicInteger counter = new AtomicInteger();

	private final String ip;

	private final Namespace first;

	private final Namespace second;

	private final String switchName;

	private final Thread shutdownHook;

	private volatile boolean closed;

	private NetworkNamespaces(String ip, Namespace first, Namespace second, String switchName) {
		this.ip = ip;
		this.first = first;
		this.second = second;
		this.switchName = switchName;
		this.shutdownHook = new Thread(this::deleteNamespaces, "phanes-netns-cleanup");
	}

	/**
	 * Create the namespaces ({@code a}, {@code b} and the switch, {@code s}) and cable
	 * them, named after the label and this JVM's process id (such as
	 * {@code phanes-mdns-a-4242-1}).
	 * @param label a short label for the namespace names
	 * @return the namespaces, to {@link #close()} when done
	 */
	public static NetworkNamespaces create(String label) {
		String ip = Commands.find("ip");
		Prerequisites.require(ip != null, "the 'ip' command (iproute2) is not installed");
		Commands.Result uid = Commands.run(COMMAND_TIMEOUT, List.of("id", "-u"));
		Prerequisites.require(uid.succeeded() && uid.output().strip().equals("0"),
				"creating network namespaces needs root (uid is " + uid.output().strip() + ")");
		String suffix = ProcessHandle.current().pid() + "-" + counter.incrementAndGet();
		Namespace first = new Namespace("phanes-" + label + "-a-" + suffix, "veth-a", address("198.18.0.1"), "port-a");
		Namespace second = new Namespace("phanes-" + label + "-b-" + suffix, "veth-b", address("198.18.0.2"), "port-b");
		NetworkNamespaces namespaces = new NetworkNamespaces(ip, first, second, "phanes-" + label + "-s-" + suffix);
		Runtime.getRuntime().addShutdownHook(namespaces.shutdownHook);
		Commands.Result added = Commands.run(COMMAND_TIMEOUT, List.of(ip, "netns", "add", first.name()));
		if (!added.succeeded()) {
			namespaces.close();
			Prerequisites.require(false, "cannot create a network namespace: " + added.output().strip());
		}
		try {
			namespaces.link();
		}
		catch (RuntimeException ex) {
			namespaces.close();
			throw ex;
		}
		return namespaces;
	}

	private static InetAddress address(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(literal, ex);
		}
	}

	private void link() {
		ip("netns", "add", this.second.name());
		ip("netns", "add", this.switchName);
		ip("-n", this.switchName, "link", "add", BRIDGE, "type", "bridge");
		for (Namespace namespace : List.of(this.first, this.second)) {
			ip("link", "add", namespace.device(), "netns", namespace.name(), "type", "veth", "peer", "name",
					namespace.switchPort(), "netns", this.switchName);
			ip("-n", this.switchName, "link", "set", namespace.switchPort(), "master", BRIDGE, "up");
			ip("-n", namespace.name(), "address", "add", namespace.address().getHostAddress() + "/" + PREFIX_LENGTH,
					"dev", namespace.device());
			ip("-n", namespace.name(), "link", "set", "lo", "up");
			ip("-n", namespace.name(), "link", "set", namespace.device(), "up");
		}
		ip("-n", this.switchName, "link", "set", BRIDGE, "up");
	}

	/**
	 * Return the first namespace, with {@code 198.18.0.1}.
	 * @return the first namespace
	 */
	public Namespace first() {
		return this.first;
	}

	/**
	 * Return the second namespace, with {@code 198.18.0.2}.
	 * @return the second namespace
	 */
	public Namespace second() {
		return this.second;
	}

	/**
	 * Return a command that runs a program inside a namespace.
	 * @param namespace the namespace
	 * @param command the program and its arguments
	 * @return {@code ip netns exec} and the command
	 */
	public List<String> inside(Namespace namespace, List<String> command) {
		List<String> wrapped = new ArrayList<>(List.of(this.ip, "netns", "exec", namespace.name()));
		wrapped.addAll(command);
		return wrapped;
	}

	/**
	 * Plug or pull a namespace's cable: the switch port facing it goes up or down. The
	 * namespace's interface loses its carrier, as when a cable is pulled, but stays up
	 * and keeps its address and routes; nothing reaches the other namespace.
	 * @param namespace the namespace whose cable to plug or pull
	 * @param connected whether the cable is plugged
	 */
	public void setCableConnected(Namespace namespace, boolean connected) {
		ip("-n", this.switchName, "link", "set", namespace.switchPort(), connected ? "up" : "down");
	}

	/**
	 * Set a namespace's interface up or down ({@code ip link set}): down, it loses its
	 * routes and sending from it fails.
	 * @param namespace the namespace whose interface to set
	 * @param up whether the interface is up
	 */
	public void setLinkUp(Namespace namespace, boolean up) {
		ip("-n", namespace.name(), "link", "set", namespace.device(), up ? "up" : "down");
	}

	/**
	 * Kill what still runs inside the namespaces and delete them, with the cables.
	 */
	@Override
	public void close() {
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// shutting down: the hook runs anyway
		}
		deleteNamespaces();
	}

	private synchronized void deleteNamespaces() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		for (String name : List.of(this.first.name(), this.second.name(), this.switchName)) {
			Commands.Result pids = Commands.run(COMMAND_TIMEOUT, List.of(this.ip, "netns", "pids", name));
			if (pids.succeeded()) {
				for (String pid : pids.output().strip().split("\\s+")) {
					if (!pid.isEmpty()) {
						ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
					}
				}
			}
			Commands.run(COMMAND_TIMEOUT, List.of(this.ip, "netns", "delete", name));
		}
	}

	private void ip(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(this.ip);
		command.addAll(List.of(arguments));
		Commands.check(COMMAND_TIMEOUT, command);
	}

	@Override
	public String toString() {
		return "NetworkNamespaces[" + this.first + ", " + this.second + ", switch " + this.switchName + "]";
	}

	/**
	 * One of the namespaces.
	 *
	 * @param name the namespace name
	 * @param device its interface, one end of its cable (a veth pair)
	 * @param address the address of that interface
	 * @param switchPort the switch port at the other end of its cable
	 */
	public record Namespace(String name, String device, InetAddress address, String switchPort) {

		@Override
		public String toString() {
			return this.name + " (" + this.device + " " + this.address.getHostAddress() + "/" + PREFIX_LENGTH + ")";
		}

	}

}
