package dev.phanes.store;

/**
 * A store that removes its expired records when asked. The {@link StoreExpiryPurger} asks
 * at {@code phanes.store.purge-interval}; a {@link Store} that is not purgeable is left
 * alone, and its expired records stay until it removes them itself.
 */
public interface PurgeableStore extends Store {

	/**
	 * Remove the expired records of every database and table of the backend, not only of
	 * this view.
	 * @return how many records were removed
	 */
	int purgeExpired();

}
