package dev.phanes.sample.server;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.phanes.sample.bll.NoteService;
import dev.phanes.sample.model.Note;
import dev.phanes.sample.model.NoteRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The {@code /notes} resource: create, read, list, replace and delete notes.
 * <p>
 * A note's ETag is its store version; replacing a note needs that ETag in
 * {@code If-Match}, so a client never overwrites a change it has not seen.
 */
@RestController
@RequestMapping("/notes")
class NotesController {

	private final NoteService notes;

	NotesController(NoteService notes) {
		this.notes = notes;
	}

	@PostMapping
	Mono<ResponseEntity<Note>> create(@RequestBody NoteRequest request, UriComponentsBuilder uri) {
		return this.notes.create(request)
			.map((note) -> ResponseEntity.created(uri.path("/notes/{id}").buildAndExpand(note.id()).toUri())
				.eTag(eTag(note))
				.body(note));
	}

	@GetMapping("/{id}")
	Mono<ResponseEntity<Note>> get(@PathVariable String id) {
		return this.notes.get(id).map(NotesController::ok);
	}

	@GetMapping
	Flux<Note> list(@RequestParam(defaultValue = "") String prefix, @RequestParam(defaultValue = "20") int limit,
			@RequestParam(defaultValue = "0") int offset) {
		return this.notes.list(prefix, limit, offset);
	}

	@PutMapping("/{id}")
	Mono<ResponseEntity<Note>> update(@PathVariable String id, @RequestBody NoteRequest request,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch) {
		long version = version(ifMatch);
		return this.notes.update(id, request, version).map(NotesController::ok);
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	Mono<Void> delete(@PathVariable String id,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch) {
		return (ifMatch != null) ? this.notes.delete(id, version(ifMatch)) : this.notes.delete(id);
	}

	private static ResponseEntity<Note> ok(Note note) {
		return ResponseEntity.ok().eTag(eTag(note)).body(note);
	}

	private static String eTag(Note note) {
		return String.valueOf(note.version());
	}

	private static long version(@Nullable String ifMatch) {
		if (ifMatch == null) {
			throw new ResponseStatusException(HttpStatus.PRECONDITION_REQUIRED,
					"Replacing a note needs an If-Match header carrying the ETag of GET /notes/{id}");
		}
		String tag = ifMatch.strip();
		if (tag.length() > 1 && tag.startsWith("\"") && tag.endsWith("\"")) {
			tag = tag.substring(1, tag.length() - 1);
		}
		try {
			long version = Long.parseLong(tag);
			if (version > 0) {
				return version;
			}
		}
		catch (NumberFormatException ex) {
			// not a version; rejected below
		}
		throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
				"If-Match must carry one ETag of GET /notes/{id}, such as \"1\", not " + ifMatch);
	}

}
