package dev.phanes.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code phanes} command: go-micro's {@code micro} CLI for Phanes services. It lists
 * the services discovered over mDNS (or in etcd), describes their instances from their
 * Actuator endpoints, calls them through Phanes' load balancer and tails their logs. Exit
 * codes: 0 on success, 1 when a command could not do what it was asked, 2 for a usage
 * error.
 */
@Command(name = "phanes", mixinStandardHelpOptions = true, versionProvider = PhanesCli.Version.class,
		synopsisSubcommandLabel = "COMMAND",
		description = "Lists, describes, calls and tails the services Phanes discovers.",
		subcommands = { ServicesCommand.class, DescribeCommand.class, CallCommand.class, LogsCommand.class,
				CommandLine.HelpCommand.class },
		footer = { "", "Exit codes: 0 success, 1 failure, 2 usage error.",
				"mDNS listens on 127.0.0.1 unless --mdns-address names another interface's address." })
public final class PhanesCli implements Runnable {

	private static final Pattern IP_LITERAL = Pattern
		.compile("^(\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$");

	@Spec
	private CommandSpec spec;

	@Option(names = "--json", scope = ScopeType.INHERIT,
			description = "Print JSON: one document per command (one object per line for logs --follow).")
	private boolean json;

	@Option(names = "--etcd", scope = ScopeType.INHERIT, split = ",", paramLabel = "ENDPOINTS",
			description = "Discover services in etcd at these endpoints (comma-separated, such as "
					+ "http://127.0.0.1:2379) instead of over mDNS.")
	private List<String> etcd = new ArrayList<>();

	@Option(names = "--mdns-address", scope = ScopeType.INHERIT, paramLabel = "IP",
			defaultValue = CliOptions.DEFAULT_MDNS_ADDRESS,
			description = "IP address of the interface mDNS listens on (default: ${DEFAULT-VALUE}, this machine "
					+ "only). Give a LAN address to find the services of that network.")
	private String mdnsAddress = CliOptions.DEFAULT_MDNS_ADDRESS;

	@Option(names = "--wait", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "2s",
			converter = DurationConverter.class,
			description = "How long to listen to mDNS before answering (default: ${DEFAULT-VALUE}).")
	private Duration wait = Duration.ofSeconds(2);

	@Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "5s",
			converter = DurationConverter.class,
			description = "Longest wait for one HTTP request to an instance (default: ${DEFAULT-VALUE}).")
	private Duration timeout = Duration.ofSeconds(5);

	@Option(names = { "-v", "--verbose" }, scope = ScopeType.INHERIT,
			description = "Log what discovery and the load balancer do, on standard error.")
	private boolean verbose;

	private final Discovery.Factory discoveries;

	/**
	 * Create the command with Phanes' own discovery.
	 */
	public PhanesCli() {
		this(PhanesDiscovery::open);
	}

	/**
	 * Create the command.
	 * @param discoveries opens discovery for a command
	 */
	PhanesCli(Discovery.Factory discoveries) {
		this.discoveries = discoveries;
	}

	/**
	 * Run the command and exit with its exit code.
	 * @param args the command line
	 */
	public static void main(String[] args) {
		System.exit(commandLine(new PhanesCli()).execute(args));
	}

	/**
	 * Create the command line of a command: failures it reports become a message on
	 * standard error and their exit code.
	 * @param cli the command
	 * @return its command line
	 */
	static CommandLine commandLine(PhanesCli cli) {
		CommandLine commandLine = new CommandLine(cli);
		commandLine.setExecutionExceptionHandler((ex, line, parseResult) -> {
			PrintWriter err = line.getErr();
			int exitCode;
			String message;
			if (ex instanceof CliException failure) {
				message = failure.getMessage();
				exitCode = failure.exitCode();
			}
			else {
				message = "unexpected failure: " + ex;
				exitCode = CliException.FAILED;
				if (cli.verbose) {
					ex.printStackTrace(err);
				}
			}
			err.println("phanes: " + message);
			err.flush();
			if (cli.json) {
				// --json promises one document per command: a failure is one too
				PrintWriter out = line.getOut();
				Map<String, Object> error = new LinkedHashMap<>();
				error.put("error", message);
				error.put("exitCode", exitCode);
				out.println(Console.JSON.writeValueAsString(error));
				out.flush();
			}
			return exitCode;
		});
		return commandLine;
	}

	/**
	 * Without a command, say which ones there are.
	 */
	@Override
	public void run() {
		throw new ParameterException(this.spec.commandLine(), "Missing command: services, describe, call or logs");
	}

	/**
	 * Return the options every command takes, checked.
	 * @return the options
	 * @throws ParameterException if one is invalid
	 */
	CliOptions options() {
		if (!IP_LITERAL.matcher(this.mdnsAddress).matches()) {
			throw new ParameterException(this.spec.commandLine(),
					"--mdns-address must be an IP address, such as 127.0.0.1, not '" + this.mdnsAddress + "'");
		}
		if (this.timeout.isZero()) {
			throw new ParameterException(this.spec.commandLine(), "--timeout must be longer than 0");
		}
		return new CliOptions(this.json, this.etcd, this.mdnsAddress, this.wait, this.timeout, this.verbose);
	}

	/**
	 * Open discovery for a command.
	 * @param options the command's options
	 * @param properties further properties for it
	 * @return the discovery, to be closed by the caller
	 */
	Discovery discovery(CliOptions options, Map<String, String> properties) {
		return this.discoveries.open(options, properties);
	}

	/**
	 * Return the console of a command.
	 * @param command the command's spec
	 * @param options its options
	 * @return where it writes
	 */
	static Console console(CommandSpec command, CliOptions options) {
		return new Console(command.commandLine().getOut(), command.commandLine().getErr(), options.json());
	}

	/**
	 * Return a client for the instances' Actuator endpoints.
	 * @param options the command's options
	 * @return the client
	 */
	static ActuatorClient actuator(CliOptions options) {
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(options.timeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		return new ActuatorClient(http, options.timeout());
	}

	/**
	 * Gives the version of the command, from the build.
	 */
	static final class Version implements IVersionProvider {

		@Override
		public String[] getVersion() throws IOException {
			Properties properties = new Properties();
			try (InputStream in = PhanesCli.class.getResourceAsStream("version.properties")) {
				if (in != null) {
					properties.load(in);
				}
			}
			return new String[] { "phanes " + properties.getProperty("version", "(development build)"),
					"Java " + System.getProperty("java.version") };
		}

	}

}
