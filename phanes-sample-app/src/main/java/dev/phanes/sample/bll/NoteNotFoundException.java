package dev.phanes.sample.bll;

/**
 * Thrown when a note asked for does not exist.
 */
public class NoteNotFoundException extends RuntimeException {

	private final String id;

	/**
	 * Create an exception.
	 * @param id the id of the missing note
	 */
	public NoteNotFoundException(String id) {
		super("Note '" + id + "' does not exist");
		this.id = id;
	}

	/**
	 * The id of the missing note.
	 * @return the id
	 */
	public String getId() {
		return this.id;
	}

}
