package dev.phanes.cli;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.RequestData;

/**
 * What the commands know of the services: the discovery client's view and the load
 * balancer's choice. Opened once per command and closed when it ends. Not thread-safe:
 * one command uses it from one thread.
 */
interface Discovery extends AutoCloseable {

	/**
	 * Say where services are discovered, for messages.
	 * @return for example {@code mDNS on 127.0.0.1}
	 */
	String description();

	/**
	 * Return the services discovered; over mDNS, once the listening time has passed.
	 * @return the service ids, sorted
	 */
	List<String> services();

	/**
	 * Return the instances of a service; over mDNS, once the listening time has passed.
	 * @param serviceId the service id
	 * @return the instances, sorted by instance id, or an empty list
	 */
	List<ServiceInstance> instances(String serviceId);

	/**
	 * Choose the instance a request goes to, the way a {@code @LoadBalanced} client of
	 * the same service would: through Spring Cloud LoadBalancer and Phanes' random-hashed
	 * balancer, which hashes the {@link #hashHeader() hash header} of the request.
	 * @param serviceId the service id
	 * @param request the request, with its headers
	 * @return the instance, or empty if there is none
	 */
	Optional<ServiceInstance> choose(String serviceId, RequestData request);

	/**
	 * Return the header whose value the load balancer hashes
	 * ({@code phanes.loadbalancer.hash.header}).
	 * @return the header name
	 */
	String hashHeader();

	/**
	 * Say what went wrong with the discovery backend, if anything did (etcd unreachable).
	 * @return the problem, or {@code null}
	 */
	@Nullable String problem();

	/**
	 * Stop discovering: close the sockets and threads discovery opened.
	 */
	@Override
	void close();

	/**
	 * Opens a {@link Discovery} for a command.
	 */
	@FunctionalInterface
	interface Factory {

		/**
		 * Open discovery.
		 * @param options the command's options
		 * @param properties further Spring properties for this command, such as the hash
		 * header
		 * @return the discovery, to be closed by the caller
		 * @throws CliException if discovery cannot start
		 */
		Discovery open(CliOptions options, Map<String, String> properties);

	}

}
