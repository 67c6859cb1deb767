package dev.phanes.sample.store;

import java.util.concurrent.Callable;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.phanes.sample.model.Note;
import dev.phanes.store.JsonStore;
import dev.phanes.store.Query;
import dev.phanes.store.VersionConflictException;
import dev.phanes.store.Versioned;
import dev.phanes.store.WriteOptions;
import org.springframework.stereotype.Repository;

/**
 * Notes kept as JSON in the {@code notes} table of the Phanes store.
 * <p>
 * Every {@link dev.phanes.store.Store} call blocks (a file or a database may sit behind
 * it), so each runs on the bounded elastic scheduler, never on a Netty event loop. Store
 * exceptions reach subscribers as error signals. Thread-safe.
 */
@Repository
public class NoteRepository {

	/**
	 * Table of the store holding the notes.
	 */
	public static final String TABLE = "notes";

	private final JsonStore notes;

	/**
	 * Create a repository on the application's store.
	 * @param store the typed store auto-configured by Phanes
	 */
	public NoteRepository(JsonStore store) {
		this.notes = store.table(TABLE);
	}

	/**
	 * Store a new note under an id that must not be taken yet.
	 * @param id the id
	 * @param title the title
	 * @param body the body
	 * @return the stored note, or a {@link VersionConflictException} if the id is taken
	 */
	public Mono<Note> insert(String id, String title, String body) {
		return write(id, title, body, WriteOptions.ifAbsent());
	}

	/**
	 * Replace a note if the stored one still has the version the caller read.
	 * @param id the id
	 * @param title the new title
	 * @param body the new body
	 * @param version the version the caller read
	 * @return the stored note, or a {@link VersionConflictException} carrying the current
	 * version (0 if the note does not exist)
	 */
	public Mono<Note> update(String id, String title, String body, long version) {
		return write(id, title, body, WriteOptions.ifVersion(version));
	}

	/**
	 * Find a note.
	 * @param id the id
	 * @return the note, or empty if there is none
	 */
	public Mono<Note> find(String id) {
		return blocking(() -> this.notes.readVersioned(id, StoredNote.class)).flatMap(Mono::justOrEmpty)
			.map(NoteRepository::toNote);
	}

	/**
	 * Find the notes whose ids match a query, in id order.
	 * @param query the query
	 * @return the notes
	 */
	public Flux<Note> find(Query query) {
		return blocking(() -> this.notes.readVersioned(query, StoredNote.class)).flatMapIterable((notes) -> notes)
			.map(NoteRepository::toNote);
	}

	/**
	 * Delete a note.
	 * @param id the id
	 * @return whether there was a note to delete
	 */
	public Mono<Boolean> delete(String id) {
		return blocking(() -> this.notes.store().delete(id));
	}

	/**
	 * Delete a note if the stored one still has the version the caller read.
	 * @param id the id
	 * @param version the version the caller read
	 * @return completes when deleted, or a {@link VersionConflictException} carrying the
	 * current version (0 if the note does not exist)
	 */
	public Mono<Void> delete(String id, long version) {
		return blocking(() -> {
			this.notes.store().delete(id, version);
			return true;
		}).then();
	}

	private Mono<Note> write(String id, String title, String body, WriteOptions options) {
		return blocking(() -> this.notes.write(id, new StoredNote(title, body), options))
			.map((record) -> new Note(id, title, body, record.version()));
	}

	private static Note toNote(Versioned<StoredNote> stored) {
		return new Note(stored.key(), stored.value().title(), stored.value().body(), stored.version());
	}

	private static <T> Mono<T> blocking(Callable<T> call) {
		return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * The JSON kept in the store: the key is the id and the record's version is the
	 * note's version, so neither is repeated in the value.
	 *
	 * @param title the title
	 * @param body the body
	 */
	record StoredNote(String title, String body) {

	}

}
