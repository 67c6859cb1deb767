package dev.phanes.loadbalancer.grpc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.grpc.Attributes;
import io.grpc.ClientStreamTracer;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.Metadata;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

import dev.phanes.loadbalancer.OutlierEjection;
import dev.phanes.loadbalancer.RendezvousHash;

/**
 * Phanes' balancing as a grpc-java policy: one subchannel per instance, connected
 * eagerly; a call with a hash key (the metadata entry named like
 * {@code phanes.loadbalancer.hash.header}) goes to the ready instance that rendezvous
 * hashing gives the key, the same hashing over the same instance identities as the HTTP
 * balancer, so one key reaches the same instance over HTTP and gRPC; a call without a key
 * goes to a ready instance at random. Instances the service's {@link OutlierEjection}
 * (shared with the HTTP clients) has ejected are left out, and so are the instances a
 * retried call already tried. How each call ended is told to the outlier ejection through
 * a stream tracer.
 * <p>
 * grpc-java calls it from the channel's synchronization context only; its pickers are
 * immutable and called from any thread.
 */
final class HashedGrpcLoadBalancer extends LoadBalancer {

	private final Helper helper;

	private final Map<String, Tracked> subchannels = new LinkedHashMap<>();

	private @Nullable GrpcDiscovery discovery;

	private String serviceId;

	private @Nullable Status lastFailure;

	HashedGrpcLoadBalancer(Helper helper) {
		this.helper = helper;
		this.serviceId = helper.getAuthority();
	}

	@Override
	public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
		List<EquivalentAddressGroup> addresses = resolved.getAddresses();
		Attributes attributes = resolved.getAttributes();
		this.discovery = attributes.get(DiscoveryNameResolver.DISCOVERY);
		String service = attributes.get(DiscoveryNameResolver.SERVICE);
		if (service != null) {
			this.serviceId = service;
		}
		if (addresses.isEmpty()) {
			Status status = Status.UNAVAILABLE.withDescription("No address of " + this.serviceId + " to call");
			handleNameResolutionError(status);
			return status;
		}
		Map<String, EquivalentAddressGroup> wanted = new LinkedHashMap<>();
		for (EquivalentAddressGroup group : addresses) {
			String identity = group.getAttributes().get(DiscoveryNameResolver.INSTANCE);
			wanted.put((identity != null) ? identity : group.getAddresses().toString(), group);
		}
		this.subchannels.entrySet().removeIf((entry) -> {
			if (!wanted.containsKey(entry.getKey())) {
				entry.getValue().subchannel.shutdown();
				return true;
			}
			return false;
		});
		wanted.forEach((identity, group) -> {
			Tracked tracked = this.subchannels.get(identity);
			if (tracked != null) {
				if (!tracked.subchannel.getAllAddresses().equals(List.of(group))) {
					tracked.subchannel.updateAddresses(List.of(group));
				}
				return;
			}
			Subchannel subchannel = this.helper
				.createSubchannel(CreateSubchannelArgs.newBuilder().setAddresses(group).build());
			Tracked created = new Tracked(identity, subchannel);
			this.subchannels.put(identity, created);
			subchannel.start((state) -> stateChanged(created, state));
			subchannel.requestConnection();
		});
		updatePicker();
		return Status.OK;
	}

	private void stateChanged(Tracked tracked, ConnectivityStateInfo info) {
		if (this.subchannels.get(tracked.identity) != tracked) {
			return;
		}
		ConnectivityState state = info.getState();
		tracked.state = state;
		if (state == ConnectivityState.READY) {
			tracked.failedSinceReady = false;
		}
		else if (state == ConnectivityState.TRANSIENT_FAILURE) {
			tracked.failedSinceReady = true;
			this.lastFailure = info.getStatus();
			// The instance may have left: ask discovery again (grpc-java's resolvers are
			// asked only through the policy).
			this.helper.refreshNameResolution();
		}
		else if (state == ConnectivityState.IDLE) {
			this.helper.refreshNameResolution();
			tracked.subchannel.requestConnection();
		}
		updatePicker();
	}

	private void updatePicker() {
		List<Tracked> ready = new ArrayList<>();
		List<Tracked> connecting = new ArrayList<>();
		for (Tracked tracked : this.subchannels.values()) {
			if (tracked.state == ConnectivityState.READY) {
				ready.add(tracked);
			}
			else if (!tracked.failedSinceReady) {
				connecting.add(tracked);
			}
		}
		if (!ready.isEmpty()) {
			this.helper.updateBalancingState(ConnectivityState.READY, new HashedPicker(ready, connecting,
					this.discovery, this.serviceId, (this.discovery != null) ? this.discovery.hashKey() : null));
		}
		else if (!connecting.isEmpty()) {
			this.helper.updateBalancingState(ConnectivityState.CONNECTING, new FixedPicker(PickResult.withNoResult()));
		}
		else {
			Status failure = Status.UNAVAILABLE.withDescription("No instance of " + this.serviceId + " is reachable")
				.withCause((this.lastFailure != null) ? this.lastFailure.asRuntimeException() : null);
			this.helper.updateBalancingState(ConnectivityState.TRANSIENT_FAILURE,
					new FixedPicker(PickResult.withError(failure)));
		}
	}

	@Override
	public void handleNameResolutionError(Status error) {
		for (Tracked tracked : this.subchannels.values()) {
			if (tracked.state == ConnectivityState.READY || !tracked.failedSinceReady) {
				// Keep calling (or connecting to) the instances known while discovery
				// fails.
				return;
			}
		}
		this.helper.updateBalancingState(ConnectivityState.TRANSIENT_FAILURE,
				new FixedPicker(PickResult.withError(error)));
	}

	@Override
	public void requestConnection() {
		this.subchannels.values().forEach((tracked) -> tracked.subchannel.requestConnection());
	}

	@Override
	public void shutdown() {
		this.subchannels.values().forEach((tracked) -> tracked.subchannel.shutdown());
		this.subchannels.clear();
	}

	private static final class Tracked {

		final String identity;

		final Subchannel subchannel;

		ConnectivityState state = ConnectivityState.IDLE;

		boolean failedSinceReady;

		Tracked(String identity, Subchannel subchannel) {
			this.identity = identity;
			this.subchannel = subchannel;
		}

	}

	private static final class FixedPicker extends SubchannelPicker {

		private final PickResult result;

		FixedPicker(PickResult result) {
			this.result = result;
		}

		@Override
		public PickResult pickSubchannel(PickSubchannelArgs args) {
			return this.result;
		}

	}

	/**
	 * Chooses an instance; immutable. A call without a key goes to a ready instance at
	 * random. A call with a key is hashed over every instance that is ready or still
	 * connecting for the first time, as the HTTP balancer hashes over every instance
	 * discovery lists: when the key's instance is still connecting, the call waits for it
	 * (the channel picks again with the next picker) instead of going to another one.
	 */
	static final class HashedPicker extends SubchannelPicker {

		private final List<Candidate> ready;

		private final List<Candidate> usable;

		private final long[] hashes;

		private final @Nullable OutlierEjection ejection;

		private final Metadata.@Nullable Key<String> hashKey;

		HashedPicker(List<Tracked> ready, List<Tracked> connecting, @Nullable GrpcDiscovery discovery, String serviceId,
				Metadata.@Nullable Key<String> hashKey) {
			this.ejection = (discovery != null) ? discovery.ejections().forService(serviceId) : null;
			this.hashKey = hashKey;
			this.ready = candidates(ready, discovery, serviceId, true);
			List<Candidate> usable = new ArrayList<>(this.ready);
			usable.addAll(candidates(connecting, discovery, serviceId, false));
			this.usable = List.copyOf(usable);
			this.hashes = hashes(this.usable);
		}

		private static List<Candidate> candidates(List<Tracked> tracked, @Nullable GrpcDiscovery discovery,
				String serviceId, boolean ready) {
			List<Candidate> candidates = new ArrayList<>(tracked.size());
			for (Tracked one : tracked) {
				candidates.add(new Candidate(one.identity, one.subchannel, ready,
						(discovery != null) ? new OutcomeTracer(one.identity, discovery, serviceId) : null));
			}
			return List.copyOf(candidates);
		}

		@Override
		public PickResult pickSubchannel(PickSubchannelArgs args) {
			String key = (this.hashKey != null) ? args.getHeaders().get(this.hashKey) : null;
			List<Candidate> candidates = (key != null) ? this.usable : this.ready;
			if (this.ejection != null) {
				// The list itself while nothing failed; it also tells the ejection the
				// service's size, which caps it.
				candidates = this.ejection.filter(candidates, Candidate::identity);
			}
			CallAttempts attempts = args.getCallOptions().getOption(CallAttempts.KEY);
			if (attempts != null && !attempts.isEmpty()) {
				List<Candidate> untried = new ArrayList<>(candidates.size());
				for (Candidate candidate : candidates) {
					if (!attempts.wasTried(candidate.identity)) {
						untried.add(candidate);
					}
				}
				if (!untried.isEmpty()) {
					candidates = untried;
				}
			}
			Candidate chosen;
			if (key != null) {
				long[] hashes = (candidates == this.usable) ? this.hashes : hashes(candidates);
				chosen = candidates.get(RendezvousHash.choose(RendezvousHash.keyHash(key), hashes));
				if (!chosen.ready) {
					return PickResult.withNoResult();
				}
			}
			else {
				chosen = candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
			}
			if (attempts != null) {
				attempts.tried(chosen.identity);
			}
			return (chosen.tracer != null) ? PickResult.withSubchannel(chosen.subchannel, chosen.tracer)
					: PickResult.withSubchannel(chosen.subchannel);
		}

		private static long[] hashes(List<Candidate> candidates) {
			long[] hashes = new long[candidates.size()];
			for (int i = 0; i < hashes.length; i++) {
				hashes[i] = RendezvousHash.identityHash(candidates.get(i).identity);
			}
			return hashes;
		}

	}

	record Candidate(String identity, Subchannel subchannel, boolean ready, @Nullable OutcomeTracer tracer) {

	}

	/**
	 * Tells the service's outlier ejection how each call on one instance ended.
	 */
	static final class OutcomeTracer extends ClientStreamTracer.Factory {

		private final String identity;

		private final GrpcDiscovery discovery;

		private final String serviceId;

		OutcomeTracer(String identity, GrpcDiscovery discovery, String serviceId) {
			this.identity = identity;
			this.discovery = discovery;
			this.serviceId = serviceId;
		}

		@Override
		public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
			return new ClientStreamTracer() {

				@Override
				public void streamClosed(Status status) {
					ended(status);
				}

			};
		}

		private void ended(Status status) {
			OutlierEjection ejection = this.discovery.ejections().forService(this.serviceId);
			if (this.discovery.isFailure(status.getCode())) {
				if (ejection.failure(this.identity)) {
					this.discovery.metrics().ejected(this.serviceId);
				}
			}
			else if (status.getCode() != Status.Code.CANCELLED) {
				ejection.success(this.identity);
			}
		}

	}

}
