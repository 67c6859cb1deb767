package dev.phanes.sample.bll;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import dev.phanes.event.EventBus;
import dev.phanes.sample.event.NoteCreated;
import dev.phanes.sample.model.Note;
import dev.phanes.sample.model.NoteRequest;
import dev.phanes.sample.store.NoteRepository;
import dev.phanes.store.Query;
import dev.phanes.store.VersionConflictException;
import org.springframework.stereotype.Service;

/**
 * Creates, reads, lists, updates and deletes notes.
 * <p>
 * A note's id is a slug of its title at creation plus a random suffix
 * ({@code shopping-list-3f9a02c1}), so listing by prefix finds notes by how their title
 * began. Updates are optimistic: they carry the version the client read and fail with a
 * {@link VersionConflictException} if another write came first. Thread-safe.
 */
@Service
public class NoteService {

	/**
	 * Most notes one list call returns.
	 */
	public static final int MAX_LIMIT = 100;

	private static final int MAX_SLUG_LENGTH = 48;

	private static final int MAX_ID_ATTEMPTS = 5;

	private static final Log logger = LogFactory.getLog(NoteService.class);

	private final NoteRepository repository;

	private final EventBus events;

	/**
	 * Create a service.
	 * @param repository where notes are kept
	 * @param events where {@link NoteCreated} events go
	 */
	public NoteService(NoteRepository repository, EventBus events) {
		this.repository = repository;
		this.events = events;
	}

	/**
	 * Create a note under a new id.
	 * @param request the title and body
	 * @return the stored note, or an {@link InvalidNoteException} if the title is blank
	 */
	public Mono<Note> create(NoteRequest request) {
		String title = title(request);
		if (title == null) {
			return blankTitle();
		}
		String slug = slug(title);
		// A taken id fails the conditional write, so two creates never share an id.
		return Mono.defer(() -> this.repository.insert(newId(slug), title, body(request)))
			.retryWhen(Retry.max(MAX_ID_ATTEMPTS - 1).filter(VersionConflictException.class::isInstance))
			.flatMap((note) -> published(note).thenReturn(note));
	}

	// The note is stored whatever happens to its event, and the answer does not wait for
	// the broker to acknowledge it (during a broker outage that would hold every create
	// for the delivery timeout): the bus keeps sending it, and a publication that fails
	// in the end is logged with its reason rather than lost silently. Off the event loop:
	// publishing runs the application's listeners on the caller's thread.
	private Mono<Void> published(Note note) {
		return Mono.fromRunnable(() -> this.events
			.publish(NoteCreated.TOPIC, note.id(), new NoteCreated(note.id(), note.title(), Instant.now()), Map.of())
			.whenComplete((event, ex) -> {
				if (ex != null) {
					notPublished(note, ex);
				}
			}))
			.subscribeOn(Schedulers.boundedElastic())
			.doOnError((ex) -> notPublished(note, ex))
			.onErrorComplete()
			.then();
	}

	private static void notPublished(Note note, Throwable ex) {
		logger
			.warn("Note " + note.id() + " was stored but its NoteCreated event was not published: " + ex.getMessage());
	}

	/**
	 * Read a note.
	 * @param id the id
	 * @return the note, or a {@link NoteNotFoundException}
	 */
	public Mono<Note> get(String id) {
		return this.repository.find(id).switchIfEmpty(Mono.error(() -> new NoteNotFoundException(id)));
	}

	/**
	 * List notes in id order.
	 * @param prefix the prefix their ids start with, empty for all
	 * @param limit the most notes to return, from 1 to {@value #MAX_LIMIT}
	 * @param offset how many matching notes to skip
	 * @return the notes, or an {@link InvalidNoteException} if the limit is out of range
	 */
	public Flux<Note> list(String prefix, int limit, int offset) {
		if (limit < 1 || limit > MAX_LIMIT) {
			return Flux.error(new InvalidNoteException(
					"limit must be between 1 and " + MAX_LIMIT + ", got " + limit + "; page with offset"));
		}
		return Flux.defer(() -> this.repository.find(new Query(prefix, "", limit, offset)));
	}

	/**
	 * Replace the title and body of a note, if it still has the version the client read.
	 * @param id the id
	 * @param request the new title and body
	 * @param version the version the client read
	 * @return the stored note; a {@link NoteNotFoundException} if there is no such note,
	 * a {@link VersionConflictException} if it has another version
	 */
	public Mono<Note> update(String id, NoteRequest request, long version) {
		String title = title(request);
		if (title == null) {
			return blankTitle();
		}
		return this.repository.update(id, title, body(request), version)
			.onErrorMap((ex) -> ex instanceof VersionConflictException conflict && conflict.getActualVersion() == 0,
					(ex) -> new NoteNotFoundException(id));
	}

	/**
	 * Delete a note.
	 * @param id the id
	 * @return completes when deleted, or a {@link NoteNotFoundException}
	 */
	public Mono<Void> delete(String id) {
		return this.repository.delete(id)
			.flatMap((deleted) -> deleted ? Mono.<Void>empty() : Mono.error(new NoteNotFoundException(id)));
	}

	/**
	 * Delete a note if it still has the version the client read.
	 * @param id the id
	 * @param version the version the client read
	 * @return completes when deleted; a {@link NoteNotFoundException} if there is no such
	 * note, a {@link VersionConflictException} if it has another version
	 */
	public Mono<Void> delete(String id, long version) {
		return this.repository.delete(id, version)
			.onErrorMap((ex) -> ex instanceof VersionConflictException conflict && conflict.getActualVersion() == 0,
					(ex) -> new NoteNotFoundException(id));
	}

	private static @Nullable String title(NoteRequest request) {
		String title = request.title();
		return (title == null || title.isBlank()) ? null : title;
	}

	private static String body(NoteRequest request) {
		String body = request.body();
		return (body != null) ? body : "";
	}

	private static <T> Mono<T> blankTitle() {
		return Mono.error(new InvalidNoteException("title must not be blank"));
	}

	static String slug(String title) {
		String slug = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
		if (slug.length() > MAX_SLUG_LENGTH) {
			slug = slug.substring(0, MAX_SLUG_LENGTH).replaceAll("-$", "");
		}
		return slug.isEmpty() ? "note" : slug;
	}

	private static String newId(String slug) {
		return slug + "-" + String.format("%08x", ThreadLocalRandom.current().nextInt());
	}

}
