package dev.phanes.loadbalancer.grpc;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.NameResolver;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

import dev.phanes.loadbalancer.LoadBalancerMetrics;
import dev.phanes.loadbalancer.OutlierEjections;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationListener;

/**
 * What a {@code discovery:///<service>} channel needs from the application: the discovery
 * client its resolver asks, the outlier ejection shared with the HTTP clients, the hash
 * key and the retry settings. One per application context; a channel gets it as a
 * name-resolver argument ({@link #configure(ManagedChannelBuilder)}), so that several
 * applications in one JVM each resolve through their own discovery. Refreshes every live
 * resolver when discovery reports a change ({@link HeartbeatEvent}).
 */
public class GrpcDiscovery implements ApplicationListener<HeartbeatEvent> {

	/**
	 * The name-resolver argument that carries it, with the channel's own state.
	 */
	static final NameResolver.Args.Key<DiscoveryChannel> KEY = NameResolver.Args.Key.create("phanes-discovery");

	/**
	 * The metadata key of the instance's gRPC port in its registration, the one
	 * grpc-spring-boot-starter uses.
	 */
	public static final String PORT_METADATA = "gRPC_port";

	private final DiscoveryClient discovery;

	private final OutlierEjections ejections;

	private final LoadBalancerMetrics metrics;

	private final Metadata.@Nullable Key<String> hashKey;

	private final Set<Status.Code> failureCodes;

	private final Duration deadline;

	private final int retries;

	private final Set<String> idempotentMethods;

	private final Set<DiscoveryNameResolver> resolvers = ConcurrentHashMap.newKeySet();

	/**
	 * Create the discovery of gRPC channels.
	 * @param discovery where instances are found
	 * @param ejections the outlier ejection of every service, shared with HTTP
	 * @param metrics where ejections and retries are counted
	 * @param hashHeader the header (a metadata key over gRPC) holding the hash key, if
	 * any
	 * @param failureCodes the status codes that count as a failure of an instance
	 * @param deadline the deadline of each attempt of a call that sets none; zero for
	 * none
	 * @param retries attempts on other instances after a failed attempt of an idempotent
	 * unary call
	 * @param idempotentMethods methods or services to retry besides those marked so in
	 * their proto
	 */
	public GrpcDiscovery(DiscoveryClient discovery, OutlierEjections ejections, LoadBalancerMetrics metrics,
			@Nullable String hashHeader, Set<String> failureCodes, Duration deadline, int retries,
			Set<String> idempotentMethods) {
		this.discovery = discovery;
		this.ejections = ejections;
		this.metrics = metrics;
		this.hashKey = hashKey(hashHeader);
		this.failureCodes = codes(failureCodes);
		this.deadline = deadline;
		this.retries = retries;
		this.idempotentMethods = Set.copyOf(idempotentMethods);
	}

	private static Metadata.@Nullable Key<String> hashKey(@Nullable String header) {
		if (header == null || header.isBlank()) {
			return null;
		}
		String name = header.toLowerCase(Locale.ROOT);
		if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
			throw new IllegalArgumentException("phanes.loadbalancer.hash.header: '" + header
					+ "' ends in -bin, which gRPC reserves for binary metadata; name a text header");
		}
		return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
	}

	private static Set<Status.Code> codes(Set<String> names) {
		Set<Status.Code> codes = EnumSet.noneOf(Status.Code.class);
		for (String name : names) {
			try {
				codes.add(Status.Code.valueOf(name.trim().toUpperCase(Locale.ROOT)));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("phanes.loadbalancer.grpc.failure-codes: '" + name
						+ "' is not a gRPC status code (such as UNAVAILABLE or DEADLINE_EXCEEDED)", ex);
			}
		}
		return codes;
	}

	/**
	 * Make a channel builder resolve {@code discovery:///<service>} targets through this
	 * application's discovery and balance, retry and eject as Phanes does. A channel to
	 * another target is left as it is: the resolver argument is ignored by other
	 * resolvers, and the interceptor passes its calls through untouched.
	 * @param builder the builder of a channel
	 */
	public void configure(ManagedChannelBuilder<?> builder) {
		DiscoveryChannel channel = new DiscoveryChannel(this);
		builder.setNameResolverArg(KEY, channel);
		builder.intercept(
				new RetryingInterceptor(channel, this.deadline, this.retries, this.idempotentMethods, this.metrics));
	}

	@Override
	public void onApplicationEvent(HeartbeatEvent event) {
		this.resolvers.forEach(DiscoveryNameResolver::refresh);
	}

	List<ServiceInstance> instances(String serviceId) {
		return this.discovery.getInstances(serviceId);
	}

	void started(DiscoveryNameResolver resolver) {
		this.resolvers.add(resolver);
	}

	void stopped(DiscoveryNameResolver resolver) {
		this.resolvers.remove(resolver);
	}

	OutlierEjections ejections() {
		return this.ejections;
	}

	LoadBalancerMetrics metrics() {
		return this.metrics;
	}

	Metadata.@Nullable Key<String> hashKey() {
		return this.hashKey;
	}

	boolean isFailure(Status.Code code) {
		return this.failureCodes.contains(code);
	}

	/**
	 * How many resolvers are live, for tests and the health of the block.
	 * @return the count
	 */
	public int activeResolvers() {
		return this.resolvers.size();
	}

}
