package dev.phanes.store;

import java.util.List;
import java.util.Optional;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Any {@link Store} with each operation observed: a decorator timing reads, lists, writes
 * and deletes as {@code phanes.store} observations, named and tagged by a
 * {@link StoreObservationConvention}.
 * <p>
 * The auto-configuration decorates every {@link Store} bean with one, yours included, so
 * every store is observed once. A decorated {@link PurgeableStore} stays purgeable; the
 * {@code backend} tag is the store's own name if it is a {@link DescribedStore}, else
 * {@value DescribedStore#UNDESCRIBED}; the tags are read from the store at each call.
 * When the registry is a no-op, or the call runs inside another store's observation (this
 * store decorated by another observed store), it goes straight to the store. A version
 * conflict ends the observation with the outcome {@code conflict}, not as an error; any
 * other exception, invalid input included, as an error. Thread-safe if the store is.
 */
public sealed class ObservedStore implements DescribedStore permits ObservedStore.Purgeable {

	private final Store store;

	private final StoreObserver observer;

	private ObservedStore(Store store, StoreObserver observer) {
		this.store = store;
		this.observer = observer;
	}

	/**
	 * Observe a store with the default convention, or the registry's global one.
	 * @param store the store
	 * @param registry where observations go
	 * @return the observed store, or the store itself if it is observed already
	 */
	public static Store observe(Store store, ObservationRegistry registry) {
		return observe(store, registry, null);
	}

	/**
	 * Observe a store.
	 * @param store the store
	 * @param registry where observations go
	 * @param convention the convention naming and tagging the observations, or
	 * {@code null} for the default (or the registry's global one)
	 * @return the observed store, or the store itself if it is observed already
	 */
	public static Store observe(Store store, ObservationRegistry registry,
			@Nullable StoreObservationConvention convention) {
		return observe(store, new StoreObserver(registry, convention));
	}

	static Store observe(Store store, StoreObserver observer) {
		if (store instanceof ObservedStore) {
			return store;
		}
		return (store instanceof PurgeableStore) ? new Purgeable(store, observer) : new ObservedStore(store, observer);
	}

	/**
	 * The store whose operations are observed.
	 * @return the store
	 */
	public Store store() {
		return this.store;
	}

	@Override
	public String backend() {
		return DescribedStore.backendOf(this.store);
	}

	@Override
	public String database() {
		return this.store.database();
	}

	@Override
	public String table() {
		return this.store.table();
	}

	@Override
	public Store database(String database) {
		return observe(this.store.database(database), this.observer);
	}

	@Override
	public Store table(String table) {
		return observe(this.store.table(table), this.observer);
	}

	@Override
	public Optional<StoreRecord> read(String key) {
		StoreObserver.Operation operation = this.observer.start(this.store, "read");
		if (operation == null) {
			return this.store.read(key);
		}
		try (Observation.Scope scope = operation.openScope()) {
			return this.store.read(key);
		}
		catch (RuntimeException ex) {
			throw operation.failed(ex);
		}
		finally {
			operation.stop();
		}
	}

	@Override
	public List<StoreRecord> read(Query query) {
		StoreObserver.Operation operation = this.observer.start(this.store, "read");
		if (operation == null) {
			return this.store.read(query);
		}
		try (Observation.Scope scope = operation.openScope()) {
			return this.store.read(query);
		}
		catch (RuntimeException ex) {
			throw operation.failed(ex);
		}
		finally {
			operation.stop();
		}
	}

	@Override
	public List<String> list(Query query) {
		StoreObserver.Operation operation = this.observer.start(this.store, "list");
		if (operation == null) {
			return this.store.list(query);
		}
		try (Observation.Scope scope = operation.openScope()) {
			return this.store.list(query);
		}
		catch (RuntimeException ex) {
			throw operation.failed(ex);
		}
		finally {
			operation.stop();
		}
	}

	@Override
	public StoreRecord write(StoreRecord record, WriteOptions options) {
		StoreObserver.Operation operation = this.observer.start(this.store, "write");
		if (operation == null) {
			return this.store.write(record, options);
		}
		try (Observation.Scope scope = operation.openScope()) {
			return this.store.write(record, options);
		}
		catch (RuntimeException ex) {
			throw operation.failed(ex);
		}
		finally {
			operation.stop();
		}
	}

	@Override
	public boolean delete(String key) {
		StoreObserver.Operation operation = this.observer.start(this.store, "delete");
		if (operation == null) {
			return this.store.delete(key);
		}
		try (Observation.Scope scope = operation.openScope()) {
			return this.store.delete(key);
		}
		catch (RuntimeException ex) {
			throw operation.failed(ex);
		}
		finally {
			operation.stop();
		}
	}

	@Override
	public void delete(String key, long expectedVersion) {
		StoreObserver.Operation operation = this.observer.start(this.store, "delete");
		if (operation == null) {
			this.store.delete(key, expectedVersion);
			return;
		}
		try (Observation.Scope scope = operation.openScope()) {
			this.store.delete(key, expectedVersion);
		}
		catch (RuntimeException ex) {
			throw operation.failed(ex);
		}
		finally {
			operation.stop();
		}
	}

	@Override
	public String toString() {
		return "ObservedStore[" + this.store + "]";
	}

	/**
	 * An observed store that purges: purges are not observed.
	 */
	static final class Purgeable extends ObservedStore implements PurgeableStore {

		private final PurgeableStore purgeable;

		Purgeable(Store store, StoreObserver observer) {
			super(store, observer);
			this.purgeable = (PurgeableStore) store;
		}

		@Override
		public int purgeExpired() {
			return this.purgeable.purgeExpired();
		}

	}

}
