package dev.phanes.store;

/**
 * Thrown at start-up when the configured backend cannot be built because something it
 * needs is missing: a library on the classpath or a bean such as a DataSource.
 */
public class StoreBackendUnavailableException extends StoreException {

	private final String backend;

	private final String action;

	/**
	 * Create an exception.
	 * @param backend the backend configured ({@code phanes.store.type})
	 * @param missing what is missing
	 * @param action what to add or set
	 */
	public StoreBackendUnavailableException(String backend, String missing, String action) {
		super("phanes.store.type=" + backend + " needs " + missing + ": " + action);
		this.backend = backend;
		this.action = action;
	}

	/**
	 * The backend configured.
	 * @return the backend name
	 */
	public String getBackend() {
		return this.backend;
	}

	/**
	 * What to add or set to make the backend available.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
