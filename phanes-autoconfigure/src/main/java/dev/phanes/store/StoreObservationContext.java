package dev.phanes.store;

import dev.phanes.observation.PhanesObservationContext;

/**
 * What an observation of one store operation knows: the backend, the operation, and the
 * database and table it touched.
 */
public class StoreObservationContext extends PhanesObservationContext {

	private final String backend;

	private final String operation;

	private final String database;

	private final String table;

	private Outcome outcome = Outcome.SUCCESS;

	/**
	 * Create a context.
	 * @param backend the backend ({@code memory}, {@code file}, {@code jpa},
	 * {@code custom})
	 * @param operation the operation ({@code read}, {@code list}, {@code write},
	 * {@code delete})
	 * @param database the database name
	 * @param table the table name
	 */
	public StoreObservationContext(String backend, String operation, String database, String table) {
		this.backend = backend;
		this.operation = operation;
		this.database = database;
		this.table = table;
	}

	/**
	 * The backend.
	 * @return the backend name
	 */
	public String getBackend() {
		return this.backend;
	}

	/**
	 * The operation.
	 * @return the operation name
	 */
	public String getOperation() {
		return this.operation;
	}

	/**
	 * The database touched.
	 * @return the database name
	 */
	public String getDatabase() {
		return this.database;
	}

	/**
	 * The table touched.
	 * @return the table name
	 */
	public String getTable() {
		return this.table;
	}

	/**
	 * How the operation ended.
	 * @return the outcome
	 */
	public Outcome getOutcome() {
		return this.outcome;
	}

	/**
	 * Record how the operation ended.
	 * @param outcome the outcome
	 */
	public void setOutcome(Outcome outcome) {
		this.outcome = outcome;
	}

	/**
	 * How a store operation ended.
	 */
	public enum Outcome {

		/**
		 * It did what was asked.
		 */
		SUCCESS,

		/**
		 * A conditional write found another version: optimistic concurrency at work, not
		 * a failure of the store.
		 */
		CONFLICT,

		/**
		 * It failed: invalid input or an engine failure.
		 */
		ERROR

	}

}
