package dev.phanes.sample.server;

import java.util.Arrays;
import java.util.List;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.phanes.sample.bll.NoteNotFoundException;
import dev.phanes.sample.client.ClientConfiguration;
import dev.phanes.sample.client.NotesRpcClient;
import dev.phanes.sample.rpc.NoteReply;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The peer calls of {@link PeerController}, over gRPC instead of HTTP: the same service
 * name, the same hash key ({@code X-User-Id}), so a user reaches the same peer either
 * way.
 */
@RestController
@RequestMapping("/peer/rpc")
class RpcPeerController {

	private final NotesRpcClient peers;

	RpcPeerController(NotesRpcClient peers) {
		this.peers = peers;
	}

	@GetMapping("/notes/{id}")
	Mono<RpcNote> get(@PathVariable String id,
			@RequestHeader(name = ClientConfiguration.USER_HEADER, required = false) @Nullable String userId) {
		return this.peers.get(id, userId)
			.map(RpcNote::of)
			.onErrorMap(
					(ex) -> ex instanceof StatusRuntimeException status
							&& status.getStatus().getCode() == Status.Code.NOT_FOUND,
					(ex) -> new NoteNotFoundException(id));
	}

	@GetMapping("/instance")
	Mono<RpcInstance> instance(
			@RequestHeader(name = ClientConfiguration.USER_HEADER, required = false) @Nullable String userId) {
		return this.peers.instance(userId).map((reply) -> new RpcInstance(reply.getServiceId(), reply.getInstanceId()));
	}

	/**
	 * Look notes up on one bidirectional stream: {@code ?ids=a,b,c}.
	 */
	@GetMapping("/lookup")
	Flux<RpcNote> lookup(@RequestParam String ids,
			@RequestHeader(name = ClientConfiguration.USER_HEADER, required = false) @Nullable String userId) {
		List<String> list = Arrays.stream(ids.split(",")).map(String::trim).filter((id) -> !id.isEmpty()).toList();
		return this.peers.lookup(list, userId).map(RpcNote::of);
	}

	/**
	 * A note as a peer answered it over gRPC.
	 *
	 * @param id the note's id
	 * @param found whether the peer has it
	 * @param title its title
	 * @param body its body
	 * @param version its store version
	 * @param instanceId the peer that answered
	 */
	record RpcNote(String id, boolean found, String title, String body, long version, String instanceId) {

		static RpcNote of(NoteReply reply) {
			return new RpcNote(reply.getId(), reply.getFound(), reply.getTitle(), reply.getBody(), reply.getVersion(),
					reply.getInstanceId());
		}

	}

	/**
	 * The peer that answered over gRPC.
	 *
	 * @param serviceId its service
	 * @param instanceId its instance id
	 */
	record RpcInstance(String serviceId, String instanceId) {

	}

}
