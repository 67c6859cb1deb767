package dev.phanes.sample.model;

/**
 * A stored note, as the API returns it.
 *
 * @param id the id the server assigned, also the note's key in the store
 * @param title the title
 * @param body the body, empty if none was given
 * @param version the store's version of the note, sent as the ETag; an update must carry
 * it in {@code If-Match}
 */
public record Note(String id, String title, String body, long version) {

}
