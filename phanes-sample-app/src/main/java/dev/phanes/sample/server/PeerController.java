package dev.phanes.sample.server;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import dev.phanes.sample.bll.NoteNotFoundException;
import dev.phanes.sample.bll.NoteService;
import dev.phanes.sample.client.ClientConfiguration;
import dev.phanes.sample.client.NotesClient;
import dev.phanes.sample.model.InstanceInfo;
import dev.phanes.sample.model.Note;
import dev.phanes.sample.model.NoteRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Reads notes from a peer instance of this service through the load balancer: the call
 * goes out by service name and lands on whichever instance discovery lists and the user's
 * hash key picks. {@code POST /peer/notes} writes a note here and reads it back from a
 * peer.
 * <p>
 * A request without {@code X-User-Id} goes to a peer chosen at random; with one, every
 * call of that user goes to one peer. A peer's answer keeps its meaning: its 400 or 404
 * is this request's, while a peer that cannot be reached or fails is a 502 or 503 (see
 * {@link NotesExceptionHandler}), never a 500.
 */
@RestController
@RequestMapping("/peer")
class PeerController {

	private static final Logger logger = LoggerFactory.getLogger(PeerController.class);

	private final NotesClient peers;

	private final NoteService notes;

	PeerController(NotesClient peers, NoteService notes) {
		this.peers = peers;
		this.notes = notes;
	}

	/**
	 * Create a note here, then read it back through a peer: one request that writes to
	 * the store and calls another instance through the load balancer, traced as one
	 * trace.
	 */
	@PostMapping("/notes")
	Mono<Note> createAndReadBack(@RequestBody NoteRequest request,
			@RequestHeader(name = ClientConfiguration.USER_HEADER, required = false) @Nullable String userId) {
		return this.notes.create(request)
			.doOnNext((note) -> logger.info("Created note {}; reading it back through a peer", note.id()))
			.flatMap((note) -> get(note.id(), userId));
	}

	@GetMapping("/notes/{id}")
	Mono<Note> get(@PathVariable String id,
			@RequestHeader(name = ClientConfiguration.USER_HEADER, required = false) @Nullable String userId) {
		return this.peers.get(id, userId)
			.onErrorMap(WebClientResponseException.NotFound.class, (ex) -> new NoteNotFoundException(id));
	}

	@GetMapping("/instance")
	Mono<InstanceInfo> instance(
			@RequestHeader(name = ClientConfiguration.USER_HEADER, required = false) @Nullable String userId) {
		return this.peers.instance(userId);
	}

}
