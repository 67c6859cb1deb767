package dev.phanes.sample.client;

import reactor.core.publisher.Mono;

import dev.phanes.sample.model.Note;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

/**
 * The notes API of a peer instance of this service, as an HTTP interface.
 */
@HttpExchange("/notes")
public interface NotesClient {

	/**
	 * Read a note from a peer. The user id is the load balancer's hash key
	 * ({@code phanes.loadbalancer.hash.header}): one user's calls go to one instance.
	 * @param id the note's id
	 * @param userId the user asking
	 * @return the note
	 */
	@GetExchange("/{id}")
	Mono<Note> get(@PathVariable String id, @RequestHeader(ClientConfiguration.USER_HEADER) String userId);

}
