package dev.phanes.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code phanes services}: every service discovered, with its number of instances.
 */
@Command(name = "services", mixinStandardHelpOptions = true,
		description = "List the services discovered, with their number of instances.")
class ServicesCommand implements Callable<Integer> {

	@ParentCommand
	private PhanesCli cli;

	@Spec
	private CommandSpec spec;

	@Override
	public Integer call() {
		CliOptions options = this.cli.options();
		Console console = PhanesCli.console(this.spec, options);
		List<ServiceCount> counts = new ArrayList<>();
		String description;
		try (Discovery discovery = this.cli.discovery(options, Map.of())) {
			description = discovery.description();
			for (String service : ServiceLookup.requireServices(discovery, options)) {
				counts.add(new ServiceCount(service, discovery.instances(service).size()));
			}
		}
		if (console.json()) {
			console.printJson(new Services(description, counts));
		}
		else {
			TextTable table = new TextTable("SERVICE", "INSTANCES");
			counts.forEach((count) -> table.add(count.name(), String.valueOf(count.instances())));
			console.print(table.render());
		}
		return 0;
	}

	/**
	 * The JSON answer.
	 *
	 * @param discovery where the services were discovered
	 * @param services the services
	 */
	record Services(String discovery, List<ServiceCount> services) {

	}

	/**
	 * A service and its number of instances.
	 *
	 * @param name the service id
	 * @param instances how many instances it has
	 */
	record ServiceCount(String name, int instances) {

	}

}
