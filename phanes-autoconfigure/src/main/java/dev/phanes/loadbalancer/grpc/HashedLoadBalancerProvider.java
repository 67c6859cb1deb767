package dev.phanes.loadbalancer.grpc;

import java.util.Map;

import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.NameResolver.ConfigOrError;

/**
 * Registers Phanes' balancing with grpc-java as the policy {@value #POLICY} (through
 * {@code META-INF/services}); the {@code discovery:///} resolver asks for it in its
 * service config.
 */
public class HashedLoadBalancerProvider extends LoadBalancerProvider {

	/**
	 * The policy name.
	 */
	public static final String POLICY = "phanes_hashed";

	private static final Object NO_CONFIG = new Object();

	@Override
	public boolean isAvailable() {
		return true;
	}

	@Override
	public int getPriority() {
		return 5;
	}

	@Override
	public String getPolicyName() {
		return POLICY;
	}

	@Override
	public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
		return new HashedGrpcLoadBalancer(helper);
	}

	@Override
	public ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> rawLoadBalancingPolicyConfig) {
		return ConfigOrError.fromConfig(NO_CONFIG);
	}

}
