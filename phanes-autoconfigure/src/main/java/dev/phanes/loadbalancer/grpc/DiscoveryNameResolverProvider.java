package dev.phanes.loadbalancer.grpc;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;

import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import org.jspecify.annotations.Nullable;

/**
 * grpc-java's name resolver for {@code discovery:///<service>} targets, over the
 * application's Spring Cloud {@code DiscoveryClient} (mDNS, etcd, ZooKeeper, Consul, or
 * any other). Registered with grpc-java through {@code META-INF/services}; the discovery
 * of each channel comes as a name-resolver argument, which Phanes' channel customizer (or
 * {@link GrpcDiscovery#configure}) sets.
 */
public class DiscoveryNameResolverProvider extends NameResolverProvider {

	/**
	 * The target scheme.
	 */
	public static final String SCHEME = "discovery";

	@Override
	protected boolean isAvailable() {
		return true;
	}

	/**
	 * Below grpc-java's DNS resolver (5), so that DNS stays the default scheme of targets
	 * without one.
	 */
	@Override
	protected int priority() {
		return 4;
	}

	@Override
	public String getDefaultScheme() {
		return SCHEME;
	}

	@Override
	public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
		return List.of(InetSocketAddress.class);
	}

	@Override
	public @Nullable NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
		if (!SCHEME.equals(targetUri.getScheme())) {
			return null;
		}
		String serviceId = serviceId(targetUri);
		DiscoveryChannel channel = args.getArg(GrpcDiscovery.KEY);
		if (channel != null) {
			channel.markResolvedByPhanes();
		}
		return new DiscoveryNameResolver(serviceId, (channel != null) ? channel.discovery() : null, args);
	}

	/**
	 * The service of a target: {@code discovery:///inventory} (the path) or
	 * {@code discovery://inventory} (the authority).
	 */
	static String serviceId(URI target) {
		String path = target.getPath();
		String name = (path != null && path.length() > 1) ? path.substring(1) : target.getAuthority();
		if (name == null || name.isBlank() || name.contains("/")) {
			throw new IllegalArgumentException(
					"A discovery target names one service, as in discovery:///inventory, not '" + target + "'");
		}
		return name;
	}

}
