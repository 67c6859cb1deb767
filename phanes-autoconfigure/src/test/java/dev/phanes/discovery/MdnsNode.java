package dev.phanes.discovery;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Phanes mDNS node in a JVM of its own, for the network integration tests: it opens a
 * transport on the given address, starts a view, registers one instance and browses the
 * given services, then talks in lines.
 * <p>
 * Arguments, each {@code --name=value}: {@code address} (an IP literal, required: the
 * node never picks an interface itself), {@code service}, {@code instance}, {@code port},
 * {@code secure}, {@code metadata=key=value} and {@code browse=serviceId} (both
 * repeatable), {@code lifetime} (seconds after which the node exits whatever happens, 120
 * by default), {@code log-level} (of the root logger, {@code INFO} by default).
 * <p>
 * Standard output, one line per event: {@code READY <host name> <record TTL>}, then
 * {@code ADDED|UPDATED|REMOVED <service> <instance> <host> <port> <secure> [key=value...]}
 * for each change of the view (metadata sorted by key), {@code REGISTERED},
 * {@code DEREGISTERED}, {@code STATUS open=<whether the transport is open>} and
 * {@code BYE}. Logging goes to standard error. Standard input takes {@code register},
 * {@code deregister}, {@code status} and {@code exit}; its end means exit too.
 */
public final class MdnsNode {

	private static final long DEFAULT_LIFETIME_SECONDS = 120;

	private final PrintStream out;

	private MdnsNode(PrintStream out) {
		this.out = out;
	}

	/**
	 * Run a node until told to exit.
	 * @param args the arguments, see the class description
	 */
	public static void main(String[] args) {
		PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
		System.setOut(System.err);
		Map<String, List<String>> options = parse(args);
		setLogLevel(option(options, "log-level", "INFO"));
		startWatchdog(Long.parseLong(option(options, "lifetime", Long.toString(DEFAULT_LIFETIME_SECONDS))));
		try {
			new MdnsNode(protocol).run(options);
		}
		catch (IOException | RuntimeException ex) {
			protocol.println("ERROR " + ex);
			ex.printStackTrace();
			System.exit(1);
		}
		System.exit(0);
	}

	private static void setLogLevel(String level) {
		if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
			context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
		}
	}

	private static void startWatchdog(long lifetimeSeconds) {
		Thread watchdog = new Thread(() -> {
			try {
				Thread.sleep(lifetimeSeconds * 1000);
				System.err.println("Lifetime of " + lifetimeSeconds + " s is over; exiting");
				Runtime.getRuntime().halt(3);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "mdns-node-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
	}

	private void run(Map<String, List<String>> options) throws IOException {
		String addressLiteral = option(options, "address", "");
		if (!addressLiteral.matches("[0-9.]+|[0-9a-fA-F:]+")) {
			throw new IllegalArgumentException("--address must be an IP literal, was " + addressLiteral);
		}
		InetAddress address = InetAddress.getByName(addressLiteral);
		Map<String, String> metadata = new LinkedHashMap<>();
		for (String entry : options.getOrDefault("metadata", List.of())) {
			int equals = entry.indexOf('=');
			metadata.put(entry.substring(0, equals), entry.substring(equals + 1));
		}
		MdnsRegistration registration = new MdnsRegistration(option(options, "service", "inventory"),
				option(options, "instance", "node"), address.getHostAddress(),
				Integer.parseInt(option(options, "port", "8080")),
				Boolean.parseBoolean(option(options, "secure", "false")), metadata);
		try (MdnsTransport transport = MdnsTransport.open(address, Duration.ofSeconds(1));
				MdnsView view = new MdnsView(transport, "local", Duration.ofMillis(100), Duration.ofSeconds(1), 32,
						256)) {
			view.addListener(this::print);
			view.start();
			for (String serviceId : options.getOrDefault("browse", List.of())) {
				view.browse(serviceId);
			}
			MdnsServiceRegistry registry = new MdnsServiceRegistry(transport, view, "local", 1300);
			registry.register(registration);
			this.out.println("READY " + transport.hostName() + " " + MdnsTransport.recordTtlSeconds());
			try {
				serve(transport, registry, registration);
			}
			finally {
				registry.close();
			}
		}
		this.out.println("BYE");
	}

	private void serve(MdnsTransport transport, MdnsServiceRegistry registry, MdnsRegistration registration)
			throws IOException {
		BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String command = input.readLine();
		while (command != null && !command.strip().equals("exit")) {
			switch (command.strip()) {
				case "register" -> {
					registry.register(registration);
					this.out.println("REGISTERED");
				}
				case "deregister" -> {
					registry.deregister(registration);
					this.out.println("DEREGISTERED");
				}
				case "status" -> this.out.println("STATUS open=" + transport.isOpen());
				default -> this.out.println("UNKNOWN " + command.strip());
			}
			command = input.readLine();
		}
	}

	private void print(DiscoveryChange change) {
		print("ADDED", change.added());
		print("UPDATED", change.updated());
		print("REMOVED", change.removed());
	}

	private void print(String event, List<DiscoveredInstance> instances) {
		for (DiscoveredInstance instance : instances) {
			StringBuilder line = new StringBuilder(event).append(' ')
				.append(instance.serviceId())
				.append(' ')
				.append(instance.instanceId())
				.append(' ')
				.append(instance.host())
				.append(' ')
				.append(instance.port())
				.append(' ')
				.append(instance.secure());
			new TreeMap<>(instance.metadata())
				.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
			this.out.println(line);
		}
	}

	private static Map<String, List<String>> parse(String[] args) {
		Map<String, List<String>> options = new LinkedHashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--") || arg.indexOf('=') < 0) {
				throw new IllegalArgumentException("Expected --name=value, got " + arg);
			}
			int equals = arg.indexOf('=');
			options.computeIfAbsent(arg.substring(2, equals), (name) -> new ArrayList<>())
				.add(arg.substring(equals + 1));
		}
		return options;
	}

	private static String option(Map<String, List<String>> options, String name, String fallback) {
		List<String> values = options.get(name);
		return (values != null && !values.isEmpty()) ? values.get(values.size() - 1) : fallback;
	}

}
