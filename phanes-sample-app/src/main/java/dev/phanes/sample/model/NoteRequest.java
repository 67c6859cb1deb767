package dev.phanes.sample.model;

import org.jspecify.annotations.Nullable;

/**
 * The content of a note as a client sends it to create or replace one.
 *
 * @param title the title, required and not blank
 * @param body the body, or {@code null} for none
 */
public record NoteRequest(@Nullable String title, @Nullable String body) {

}
