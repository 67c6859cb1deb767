package dev.phanes.cli;

import java.util.Map;

import dev.phanes.cli.DescribeCommand.InstanceDescription;
import dev.phanes.cli.DescribeCommand.ServiceDescription;

/**
 * The text form of {@code phanes describe}: the instances as a table, each one's
 * metadata, then the HTTP endpoints and gRPC methods.
 */
final class ServiceDescriptionText {

	private ServiceDescriptionText() {
	}

	/**
	 * Render a description.
	 * @param description the description
	 * @return the text
	 */
	static String render(ServiceDescription description) {
		StringBuilder text = new StringBuilder();
		int count = description.instances().size();
		text.append("Service ")
			.append(description.service())
			.append(" (")
			.append(count)
			.append((count == 1) ? " instance, " : " instances, ")
			.append(description.discovery())
			.append(")\n\n");
		TextTable instances = new TextTable("INSTANCE", "ADDRESS", "HEALTH", "VERSION", "UPTIME", "ACTUATOR");
		for (InstanceDescription instance : description.instances()) {
			instances.add(instance.instanceId(), hostPort(instance), instance.health(), instance.version(),
					(instance.uptimeSeconds() != null) ? Console.uptime(instance.uptimeSeconds()) : null,
					instance.management());
		}
		text.append(instances.render());
		for (InstanceDescription instance : description.instances()) {
			if (!instance.metadata().isEmpty()) {
				text.append("\nMetadata of ").append(instance.instanceId()).append(":\n");
				for (Map.Entry<String, String> entry : instance.metadata().entrySet()) {
					text.append("  ").append(entry.getKey()).append('=').append(entry.getValue()).append('\n');
				}
			}
		}
		Catalog catalog = description.catalog();
		if (catalog == null) {
			text.append("\nEndpoints: unknown (no instance exposes its 'catalog' Actuator endpoint)\n");
			return text.toString();
		}
		text.append("\nHTTP endpoints (from ").append(description.catalogFrom()).append("):\n");
		if (catalog.http().isEmpty()) {
			text.append("  none\n");
		}
		else {
			TextTable http = new TextTable("METHOD", "PATH", "CONSUMES", "PRODUCES");
			for (Catalog.HttpRoute route : catalog.http()) {
				http.add(route.methods().isEmpty() ? "*" : String.join(",", route.methods()), route.path(),
						String.join(",", route.consumes()), String.join(",", route.produces()));
			}
			text.append(http.render());
		}
		if (!catalog.grpc().isEmpty()) {
			text.append("\ngRPC methods:\n");
			TextTable grpc = new TextTable("METHOD", "TYPE", "IDEMPOTENT");
			for (Catalog.GrpcMethod method : catalog.grpc()) {
				grpc.add(method.service() + "/" + method.method(), method.type(),
						(method.idempotent() != null) ? (method.idempotent() ? "yes" : "no") : null);
			}
			text.append(grpc.render());
		}
		return text.toString();
	}

	private static String hostPort(InstanceDescription instance) {
		String host = instance.host();
		return ((host.indexOf(':') >= 0) ? "[" + host + "]" : host) + ":" + instance.port();
	}

}
