package dev.phanes.store;

/**
 * A store that names its backend: the {@code backend} tag of its observations and the
 * {@code backend} detail of its health. A {@link Store} that does not describe itself is
 * reported as {@value #UNDESCRIBED}.
 */
public interface DescribedStore extends Store {

	/**
	 * Backend name reported for a store that is not a {@code DescribedStore}.
	 */
	String UNDESCRIBED = "custom";

	/**
	 * Short name of the backend, such as {@code memory}, {@code file} or {@code jpa}; a
	 * few distinct values per application, as it is a metric tag.
	 * @return the backend name
	 */
	String backend();

	/**
	 * The backend name of any store.
	 * @param store the store
	 * @return its own name if it describes itself, else {@value #UNDESCRIBED}
	 */
	static String backendOf(Store store) {
		return (store instanceof DescribedStore described) ? described.backend() : UNDESCRIBED;
	}

}
