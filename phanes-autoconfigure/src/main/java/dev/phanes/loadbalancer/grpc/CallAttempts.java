package dev.phanes.loadbalancer.grpc;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.grpc.CallOptions;

/**
 * The instances the attempts of one call went to, so that Phanes' policy sends a retry to
 * another one, and so that the retrying interceptor knows the policy routed the call.
 */
final class CallAttempts {

	static final CallOptions.Key<CallAttempts> KEY = CallOptions.Key.create("phanes-call-attempts");

	private final Set<String> tried = ConcurrentHashMap.newKeySet();

	void tried(String instance) {
		this.tried.add(instance);
	}

	boolean wasTried(String instance) {
		return this.tried.contains(instance);
	}

	boolean isEmpty() {
		return this.tried.isEmpty();
	}

}
