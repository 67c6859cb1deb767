package dev.phanes.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import org.springframework.cloud.client.ServiceInstance;

/**
 * {@code phanes describe SERVICE}: each instance's address, health, version, uptime and
 * metadata, and the endpoints the service serves, read from the instances' Actuator. What
 * an instance's Actuator does not give is shown as {@code -} and explained on standard
 * error; the command fails only if no instance's Actuator answers.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
		description = {
				"Describe the instances of a service (address, health, version, uptime, metadata) "
						+ "and the endpoints it serves, from the instances' Actuator.",
				"Reads health, info, metrics (else prometheus) and catalog; what is not exposed shows as '-'." })
class DescribeCommand implements Callable<Integer> {

	@ParentCommand
	private PhanesCli cli;

	@Spec
	private CommandSpec spec;

	@Parameters(paramLabel = "SERVICE", description = "The service id.")
	private String service;

	@Override
	public Integer call() {
		CliOptions options = this.cli.options();
		Console console = PhanesCli.console(this.spec, options);
		ActuatorClient actuator = PhanesCli.actuator(options);
		String description;
		List<ServiceInstance> instances;
		try (Discovery discovery = this.cli.discovery(options, Map.of())) {
			description = discovery.description();
			instances = ServiceLookup.require(discovery, options, this.service);
		}
		List<ActuatorClient.Outcome<Described>> outcomes = actuator.readAll(instances,
				(instance) -> describe(actuator, instance));
		List<InstanceDescription> described = new ArrayList<>();
		List<String> problems = new ArrayList<>();
		Catalog catalog = null;
		String catalogFrom = null;
		for (ActuatorClient.Outcome<Described> outcome : outcomes) {
			Described one = outcome.value();
			if (one == null) {
				continue;
			}
			described.add(one.description());
			problems.addAll(one.problems());
			if (one.catalog() != null) {
				if (catalog == null) {
					catalog = one.catalog();
					catalogFrom = one.description().instanceId();
				}
				else if (!catalog.equals(one.catalog())) {
					problems.add(one.description().instanceId() + " serves other endpoints than " + catalogFrom
							+ " (a different version?); the endpoints shown are " + catalogFrom + "'s");
				}
			}
		}
		ServiceDescription result = new ServiceDescription(this.service, description, described, catalog, catalogFrom,
				problems);
		if (console.json()) {
			console.printJson(result);
		}
		else {
			console.print(ServiceDescriptionText.render(result));
		}
		problems.forEach(console::warn);
		if (described.stream().allMatch((instance) -> InstanceDescription.UNREACHABLE.equals(instance.health()))) {
			throw new CliException("No instance of " + this.service + " answered on its Actuator; see the warnings");
		}
		return 0;
	}

	private static Described describe(ActuatorClient actuator, ServiceInstance instance) {
		List<String> problems = new ArrayList<>();
		String health;
		try {
			health = actuator.health(instance);
		}
		catch (EndpointUnavailableException ex) {
			problems.add(ex.getMessage());
			health = ex.notExposed() ? "-" : InstanceDescription.UNREACHABLE;
		}
		boolean reachable = !InstanceDescription.UNREACHABLE.equals(health);
		String version = instance.getMetadata().get("version");
		if (version == null && reachable) {
			version = optional(() -> actuator.buildVersion(instance), problems, false);
		}
		Double uptime = reachable ? optional(() -> actuator.uptimeSeconds(instance), problems, false) : null;
		Catalog catalog = reachable ? optional(() -> actuator.catalog(instance), problems, true) : null;
		InstanceDescription description = new InstanceDescription(instance.getInstanceId(), instance.getHost(),
				instance.getPort(), ManagementAddress.of(instance).toString(), health, version, uptime,
				new TreeMap<>(instance.getMetadata()));
		return new Described(description, catalog, problems);
	}

	/**
	 * Read something an instance may not expose: its absence is a problem only where the
	 * command promises it (the catalog); a failure always is.
	 */
	private static <T> @Nullable T optional(java.util.function.Supplier<@Nullable T> read, List<String> problems,
			boolean expected) {
		try {
			return read.get();
		}
		catch (EndpointUnavailableException ex) {
			if (expected || !ex.notExposed()) {
				problems.add(ex.getMessage());
			}
			return null;
		}
	}

	/**
	 * What was learnt of one instance.
	 */
	private record Described(InstanceDescription description, @Nullable Catalog catalog, List<String> problems) {

	}

	/**
	 * The JSON answer.
	 *
	 * @param service the service id
	 * @param discovery where it was discovered
	 * @param instances its instances
	 * @param catalog the endpoints it serves, or {@code null} if no instance told
	 * @param catalogFrom the instance the catalog was read from
	 * @param problems what could not be read, and why
	 */
	record ServiceDescription(String service, String discovery, List<InstanceDescription> instances,
			@Nullable Catalog catalog, @Nullable String catalogFrom, List<String> problems) {

	}

	/**
	 * One instance.
	 *
	 * @param instanceId its instance id
	 * @param host its host
	 * @param port its port
	 * @param management the base URL of its Actuator
	 * @param health its health status ({@code UP}, {@code DOWN}, ...),
	 * {@code UNREACHABLE} or {@code -} if the health endpoint is not exposed
	 * @param version its version, or {@code null} if unknown
	 * @param uptimeSeconds how long it has run, or {@code null} if unknown
	 * @param metadata its discovery metadata
	 */
	record InstanceDescription(String instanceId, String host, int port, String management, String health,
			@Nullable String version, @Nullable Double uptimeSeconds, Map<String, String> metadata) {

		/**
		 * Health of an instance whose Actuator did not answer.
		 */
		static final String UNREACHABLE = "UNREACHABLE";

	}

}
