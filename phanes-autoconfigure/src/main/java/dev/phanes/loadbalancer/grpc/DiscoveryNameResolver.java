package dev.phanes.loadbalancer.grpc;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.phanes.loadbalancer.RendezvousHash;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Resolves one service to the gRPC addresses of its instances: each instance found in
 * discovery that publishes {@value GrpcDiscovery#PORT_METADATA} in its metadata, at its
 * host and that port. Resolves when started, when the channel asks (after a connection
 * failure) and when discovery reports a change; asks discovery on the channel's offload
 * executor, one lookup at a time (a request during a lookup runs one more after it). Asks
 * for the {@code phanes_hashed} policy through the service config.
 */
final class DiscoveryNameResolver extends NameResolver {

	static final Attributes.Key<String> INSTANCE = Attributes.Key.create("phanes-instance");

	static final Attributes.Key<GrpcDiscovery> DISCOVERY = Attributes.Key.create("phanes-discovery");

	static final Attributes.Key<String> SERVICE = Attributes.Key.create("phanes-service");

	private static final Log logger = LogFactory.getLog(DiscoveryNameResolver.class);

	private final String serviceId;

	private final @Nullable GrpcDiscovery discovery;

	private final Args args;

	private final AtomicBoolean running = new AtomicBoolean();

	private final AtomicBoolean again = new AtomicBoolean();

	private volatile @Nullable Listener2 listener;

	private volatile boolean shutdown;

	DiscoveryNameResolver(String serviceId, @Nullable GrpcDiscovery discovery, Args args) {
		this.serviceId = serviceId;
		this.discovery = discovery;
		this.args = args;
	}

	@Override
	public String getServiceAuthority() {
		return this.serviceId;
	}

	@Override
	public void start(Listener2 listener) {
		this.listener = listener;
		GrpcDiscovery discovery = this.discovery;
		if (discovery == null) {
			listener.onError(Status.UNAVAILABLE.withDescription("discovery:///" + this.serviceId
					+ " has no Phanes discovery: create the channel with Spring gRPC's channel factory "
					+ "(Phanes customizes it) or call GrpcDiscovery.configure(builder) on the builder"));
			return;
		}
		discovery.started(this);
		refresh();
	}

	@Override
	public void refresh() {
		if (this.shutdown || this.discovery == null || this.listener == null) {
			return;
		}
		this.again.set(true);
		if (this.running.compareAndSet(false, true)) {
			executor().execute(this::lookUp);
		}
	}

	private Executor executor() {
		Executor offload = this.args.getOffloadExecutor();
		return (offload != null) ? offload : Runnable::run;
	}

	private void lookUp() {
		try {
			while (this.again.getAndSet(false) && !this.shutdown) {
				ResolutionResult result = resolve();
				this.args.getSynchronizationContext().execute(() -> {
					Listener2 listener = this.listener;
					if (!this.shutdown && listener != null) {
						listener.onResult2(result);
					}
				});
			}
		}
		finally {
			this.running.set(false);
			if (this.again.get() && !this.shutdown && this.running.compareAndSet(false, true)) {
				executor().execute(this::lookUp);
			}
		}
	}

	private ResolutionResult resolve() {
		GrpcDiscovery discovery = this.discovery;
		Attributes attributes = Attributes.newBuilder().set(DISCOVERY, discovery).set(SERVICE, this.serviceId).build();
		ResolutionResult.Builder result = ResolutionResult.newBuilder()
			.setAttributes(attributes)
			.setServiceConfig(this.args.getServiceConfigParser()
				.parseServiceConfig(
						Map.of("loadBalancingConfig", List.of(Map.of(HashedLoadBalancerProvider.POLICY, Map.of())))));
		List<ServiceInstance> instances;
		try {
			instances = discovery.instances(this.serviceId);
		}
		catch (RuntimeException ex) {
			return result.setAddressesOrError(StatusOr.fromStatus(
					Status.UNAVAILABLE.withDescription("Discovery failed to list the instances of " + this.serviceId)
						.withCause(ex)))
				.build();
		}
		List<EquivalentAddressGroup> addresses = new ArrayList<>(instances.size());
		int withoutPort = 0;
		for (ServiceInstance instance : instances) {
			Integer port = grpcPort(instance);
			if (port == null) {
				withoutPort++;
				continue;
			}
			addresses.add(new EquivalentAddressGroup(new InetSocketAddress(instance.getHost(), port),
					Attributes.newBuilder().set(INSTANCE, RendezvousHash.identity(instance)).build()));
		}
		if (addresses.isEmpty()) {
			String description = instances.isEmpty() ? "No instance of " + this.serviceId + " found in discovery"
					: "None of the " + instances.size() + " instances of " + this.serviceId
							+ " publishes a gRPC port (metadata " + GrpcDiscovery.PORT_METADATA + ")";
			return result.setAddressesOrError(StatusOr.fromStatus(Status.UNAVAILABLE.withDescription(description)))
				.build();
		}
		if (withoutPort > 0 && logger.isDebugEnabled()) {
			logger.debug(withoutPort + " instance(s) of " + this.serviceId + " publish no gRPC port, left out");
		}
		return result.setAddressesOrError(StatusOr.fromValue(addresses)).build();
	}

	private static @Nullable Integer grpcPort(ServiceInstance instance) {
		Map<String, String> metadata = instance.getMetadata();
		String value = (metadata != null) ? metadata.get(GrpcDiscovery.PORT_METADATA) : null;
		if (value == null) {
			return null;
		}
		try {
			int port = Integer.parseInt(value.trim());
			return (port > 0 && port <= 65535) ? port : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	@Override
	public void shutdown() {
		this.shutdown = true;
		GrpcDiscovery discovery = this.discovery;
		if (discovery != null) {
			discovery.stopped(this);
		}
	}

}
