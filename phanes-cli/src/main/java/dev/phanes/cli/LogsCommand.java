package dev.phanes.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

import org.springframework.cloud.client.ServiceInstance;

/**
 * {@code phanes logs SERVICE}: the recent log events of every instance of a service, from
 * their Actuator {@code logs} endpoint, merged by time and prefixed by instance; with
 * {@code --follow}, then every new event from their log streams until interrupted.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
		description = { "Print the recent log events of every instance of a service, merged by time.",
				"With --follow, go on printing new events until interrupted (Ctrl-C)." })
class LogsCommand implements Callable<Integer> {

	private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

	private static final int MAX_LIMIT = 10_000;

	@ParentCommand
	private PhanesCli cli;

	@Spec
	private CommandSpec spec;

	@Parameters(paramLabel = "SERVICE", description = "The service id.")
	private String service;

	@Option(names = { "-f", "--follow" }, description = "Go on printing new events as they are logged.")
	private boolean follow;

	@Option(names = "--level", paramLabel = "LEVEL",
			description = "Lowest level shown: TRACE, DEBUG, INFO, WARN or ERROR (default: all kept).")
	private @Nullable String level;

	@Option(names = "--limit", paramLabel = "N", defaultValue = "100",
			description = "Most recent events shown, over all instances (default: ${DEFAULT-VALUE}, at most 10000).")
	private int limit = 100;

	@Override
	public Integer call() throws InterruptedException {
		CliOptions options = this.cli.options();
		String lowest = (this.level != null) ? this.level.toUpperCase(Locale.ROOT) : null;
		if (lowest != null && !LEVELS.contains(lowest)) {
			throw new ParameterException(this.spec.commandLine(),
					"--level must be one of " + String.join(", ", LEVELS) + ", not '" + this.level + "'");
		}
		if (this.limit < 1 || this.limit > MAX_LIMIT) {
			throw new ParameterException(this.spec.commandLine(),
					"--limit must be between 1 and " + MAX_LIMIT + ", not " + this.limit);
		}
		Console console = PhanesCli.console(this.spec, options);
		String description;
		List<ServiceInstance> instances;
		try (Discovery discovery = this.cli.discovery(options, Map.of())) {
			description = discovery.description();
			instances = ServiceLookup.require(discovery, options, this.service);
		}
		ActuatorClient actuator = PhanesCli.actuator(options);
		LogFollower follower = null;
		if (this.follow) {
			follower = new LogFollower(actuator.http(), lowest, (entry) -> show(console, entry, true), console);
			follower.start(instances);
		}
		String query = "limit=" + this.limit + ((lowest != null) ? "&level=" + lowest : "");
		List<InstanceLogs> read = new ArrayList<>();
		List<InstanceLogEntry> events = new ArrayList<>();
		for (ActuatorClient.Outcome<Reading> outcome : actuator.readAll(instances,
				(instance) -> read(actuator, instance, query))) {
			Reading reading = outcome.value();
			CliException problem = outcome.problem();
			if (reading != null) {
				read.add(new InstanceLogs(outcome.instance().getInstanceId(), reading.kept(), reading.dropped(), null));
				events.addAll(reading.events());
			}
			else if (problem != null) {
				read.add(new InstanceLogs(outcome.instance().getInstanceId(), 0, 0, problem.getMessage()));
				console.warn(problem.getMessage());
			}
		}
		if (read.stream().allMatch((logs) -> logs.problem() != null)) {
			throw new CliException("No instance of " + this.service + " gave its logs; see the warnings");
		}
		events.sort(InstanceLogEntry.CHRONOLOGICAL);
		if (events.size() > this.limit) {
			events = new ArrayList<>(events.subList(events.size() - this.limit, events.size()));
		}
		if (console.json() && !this.follow) {
			console.printJson(new Logs(this.service, description, read, events));
			return 0;
		}
		events.forEach((entry) -> show(console, entry, this.follow));
		if (follower == null) {
			return 0;
		}
		console
			.note("Following the logs of " + instances.size() + " instance(s) of " + this.service + "; Ctrl-C to stop");
		follower.live(events);
		follower.awaitEnd();
		throw new CliException("Every log stream of " + this.service + " ended");
	}

	private static void show(Console console, InstanceLogEntry entry, boolean lines) {
		if (console.json() && lines) {
			console.printJsonLine(entry);
		}
		else {
			console.print(entry.text());
		}
	}

	private static Reading read(ActuatorClient actuator, ServiceInstance instance, String query) {
		JsonNode logs = actuator.read(instance, "logs", query);
		List<InstanceLogEntry> events = new ArrayList<>();
		for (JsonNode event : logs.path("events")) {
			try {
				events.add(InstanceLogEntry.of(instance.getInstanceId(), event));
			}
			catch (IllegalArgumentException ex) {
				throw new EndpointUnavailableException(
						instance.getInstanceId() + ": its 'logs' endpoint gave " + ex.getMessage(), false);
			}
		}
		return new Reading(logs.path("kept").asInt(events.size()), logs.path("dropped").asLong(0), events);
	}

	/**
	 * What one instance's {@code logs} endpoint gave.
	 */
	private record Reading(int kept, long dropped, List<InstanceLogEntry> events) {

	}

	/**
	 * The JSON answer (without {@code --follow}).
	 *
	 * @param service the service id
	 * @param discovery where it was discovered
	 * @param instances what each instance gave
	 * @param events the events of all instances, oldest first
	 */
	record Logs(String service, String discovery, List<InstanceLogs> instances, List<InstanceLogEntry> events) {

	}

	/**
	 * What one instance gave.
	 *
	 * @param instanceId the instance id
	 * @param kept how many events it keeps
	 * @param dropped how many it dropped to stay within its bounds
	 * @param problem why its events could not be read, or {@code null}
	 */
	record InstanceLogs(String instanceId, int kept, long dropped, @Nullable String problem) {

	}

}
