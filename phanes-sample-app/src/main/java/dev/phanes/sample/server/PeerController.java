package dev.phanes.sample.server;

import reactor.core.publisher.Mono;

import dev.phanes.sample.bll.NoteNotFoundException;
import dev.phanes.sample.client.ClientConfiguration;
import dev.phanes.sample.client.NotesClient;
import dev.phanes.sample.model.InstanceInfo;
import dev.phanes.sample.model.Note;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Reads notes from a peer instance of this service through the load balancer: the call
 * goes out by service name and lands on whichever instance discovery lists and the user's
 * hash key picks.
 */
@RestController
@RequestMapping("/peer")
class PeerController {

	private final NotesClient peers;

	PeerController(NotesClient peers) {
		this.peers = peers;
	}

	@GetMapping("/notes/{id}")
	Mono<Note> get(@PathVariable String id,
			@RequestHeader(name = ClientConfiguration.USER_HEADER, defaultValue = "anonymous") String userId) {
		return this.peers.get(id, userId)
			.onErrorMap(WebClientResponseException.NotFound.class, (ex) -> new NoteNotFoundException(id));
	}

	@GetMapping("/instance")
	Mono<InstanceInfo> instance(
			@RequestHeader(name = ClientConfiguration.USER_HEADER, defaultValue = "anonymous") String userId) {
		return this.peers.instance(userId);
	}

}
