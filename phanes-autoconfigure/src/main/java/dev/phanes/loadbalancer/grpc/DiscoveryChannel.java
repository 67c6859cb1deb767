package dev.phanes.loadbalancer.grpc;

/**
 * What one channel configured by {@link GrpcDiscovery#configure} shares between its name
 * resolver argument and its interceptor: the application's discovery, and whether the
 * channel's target is a {@code discovery:} one, which the resolver provider marks when it
 * resolves it. The interceptor leaves the calls of other channels alone.
 */
final class DiscoveryChannel {

	private final GrpcDiscovery discovery;

	private volatile boolean resolvedByPhanes;

	DiscoveryChannel(GrpcDiscovery discovery) {
		this.discovery = discovery;
	}

	GrpcDiscovery discovery() {
		return this.discovery;
	}

	void markResolvedByPhanes() {
		this.resolvedByPhanes = true;
	}

	boolean isResolvedByPhanes() {
		return this.resolvedByPhanes;
	}

}
