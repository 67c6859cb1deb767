package dev.phanes.sample.client;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.phanes.sample.model.InstanceInfo;
import dev.phanes.sample.model.Note;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

/**
 * The API of a peer instance of this service, as an HTTP interface.
 */
@HttpExchange
public interface NotesClient {

	/**
	 * Read a note from a peer. The user id is the load balancer's hash key
	 * ({@code phanes.loadbalancer.hash.header}): one user's calls go to one instance.
	 * @param id the note's id
	 * @param userId the user asking
	 * @return the note
	 */
	@GetExchange("/notes/{id}")
	Mono<Note> get(@PathVariable String id,
			@RequestHeader(name = ClientConfiguration.USER_HEADER, required = false) @Nullable String userId);

	/**
	 * Ask a peer which instance it is; the load balancer picks it by the user id, or at
	 * random without one.
	 * @param userId the user asking
	 * @return the instance that answered
	 */
	@GetExchange("/instance")
	Mono<InstanceInfo> instance(
			@RequestHeader(name = ClientConfiguration.USER_HEADER, required = false) @Nullable String userId);

}
