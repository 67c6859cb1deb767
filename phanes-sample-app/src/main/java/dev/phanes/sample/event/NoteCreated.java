package dev.phanes.sample.event;

import java.time.Instant;

import dev.phanes.event.EventName;

/**
 * A note was stored for the first time. Published to the topic {@value #TOPIC}, keyed by
 * the note id; on the wire its type is the logical name {@code note-created}.
 *
 * @param id the note id
 * @param title its title
 * @param createdAt when it was stored
 */
@EventName("note-created")
public record NoteCreated(String id, String title, Instant createdAt) {

	/**
	 * The topic of note events.
	 */
	public static final String TOPIC = "notes";

}
