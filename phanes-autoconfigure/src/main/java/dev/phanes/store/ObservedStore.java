package dev.phanes.store;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

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
 * {@value DescribedStore#UNDESCRIBED}. When the registry is a no-op, each call goes
 * straight to the store. A version conflict ends the observation with the outcome
 * {@code conflict}, not as an error; any other exception, invalid input included, as an
 * error. Thread-safe if the store is.
 */
public sealed class ObservedStore implements DescribedStore permits ObservedStore.Purgeable {

	private static final StoreObservationConvention DEFAULT_CONVENTION = new DefaultStoreObservationConvention();

	private final Store store;

	private final ObservationRegistry registry;

	private final @Nullable StoreObservationConvention convention;

	private final String backend;

	private final String database;

	private final String table;

	private ObservedStore(Store store, ObservationRegistry registry, @Nullable StoreObservationConvention convention) {
		this.store = store;
		this.registry = registry;
		this.convention = convention;
		this.backend = DescribedStore.backendOf(store);
		this.database = store.database();
		this.table = store.table();
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
		if (store instanceof ObservedStore) {
			return store;
		}
		return (store instanceof PurgeableStore) ? new Purgeable(store, registry, convention)
				: new ObservedStore(store, registry, convention);
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
		return this.backend;
	}

	@Override
	public String database() {
		return this.database;
	}

	@Override
	public String table() {
		return this.table;
	}

	@Override
	public Store database(String database) {
		return observe(this.store.database(database), this.registry, this.convention);
	}

	@Override
	public Store table(String table) {
		return observe(this.store.table(table), this.registry, this.convention);
	}

	@Override
	public Optional<StoreRecord> read(String key) {
		if (this.registry.isNoop()) {
			return this.store.read(key);
		}
		Context context = new Context(this.backend, "read", this.database, this.table);
		Observation observation = start(context);
		try (Observation.Scope scope = observation.openScope()) {
			return this.store.read(key);
		}
		catch (RuntimeException ex) {
			throw failed(observation, context, ex);
		}
		finally {
			observation.stop();
		}
	}

	@Override
	public List<StoreRecord> read(Query query) {
		if (this.registry.isNoop()) {
			return this.store.read(query);
		}
		Context context = new Context(this.backend, "read", this.database, this.table);
		Observation observation = start(context);
		try (Observation.Scope scope = observation.openScope()) {
			return this.store.read(query);
		}
		catch (RuntimeException ex) {
			throw failed(observation, context, ex);
		}
		finally {
			observation.stop();
		}
	}

	@Override
	public List<String> list(Query query) {
		if (this.registry.isNoop()) {
			return this.store.list(query);
		}
		Context context = new Context(this.backend, "list", this.database, this.table);
		Observation observation = start(context);
		try (Observation.Scope scope = observation.openScope()) {
			return this.store.list(query);
		}
		catch (RuntimeException ex) {
			throw failed(observation, context, ex);
		}
		finally {
			observation.stop();
		}
	}

	@Override
	public StoreRecord write(StoreRecord record, WriteOptions options) {
		if (this.registry.isNoop()) {
			return this.store.write(record, options);
		}
		Context context = new Context(this.backend, "write", this.database, this.table);
		Observation observation = start(context);
		try (Observation.Scope scope = observation.openScope()) {
			return this.store.write(record, options);
		}
		catch (RuntimeException ex) {
			throw failed(observation, context, ex);
		}
		finally {
			observation.stop();
		}
	}

	@Override
	public boolean delete(String key) {
		if (this.registry.isNoop()) {
			return this.store.delete(key);
		}
		Context context = new Context(this.backend, "delete", this.database, this.table);
		Observation observation = start(context);
		try (Observation.Scope scope = observation.openScope()) {
			return this.store.delete(key);
		}
		catch (RuntimeException ex) {
			throw failed(observation, context, ex);
		}
		finally {
			observation.stop();
		}
	}

	@Override
	public void delete(String key, long expectedVersion) {
		if (this.registry.isNoop()) {
			this.store.delete(key, expectedVersion);
			return;
		}
		Context context = new Context(this.backend, "delete", this.database, this.table);
		Observation observation = start(context);
		try (Observation.Scope scope = observation.openScope()) {
			this.store.delete(key, expectedVersion);
		}
		catch (RuntimeException ex) {
			throw failed(observation, context, ex);
		}
		finally {
			observation.stop();
		}
	}

	@Override
	public String toString() {
		return "ObservedStore[" + this.store + "]";
	}

	private Observation start(Context context) {
		return Observation.createNotStarted(this.convention, DEFAULT_CONVENTION, context, this.registry).start();
	}

	private static RuntimeException failed(Observation observation, Context context, RuntimeException ex) {
		if (ex instanceof VersionConflictException) {
			// An expected outcome of optimistic concurrency, not an error of the store.
			context.setOutcome(StoreObservationContext.Outcome.CONFLICT);
		}
		else {
			context.setOutcome(StoreObservationContext.Outcome.ERROR);
			observation.error(ex);
		}
		return ex;
	}

	/**
	 * A context that supplies itself, so starting an observation allocates no supplier.
	 */
	private static final class Context extends StoreObservationContext implements Supplier<StoreObservationContext> {

		Context(String backend, String operation, String database, String table) {
			super(backend, operation, database, table);
		}

		@Override
		public StoreObservationContext get() {
			return this;
		}

	}

	/**
	 * An observed store that purges: purges are not observed.
	 */
	static final class Purgeable extends ObservedStore implements PurgeableStore {

		private final PurgeableStore purgeable;

		Purgeable(Store store, ObservationRegistry registry, @Nullable StoreObservationConvention convention) {
			super(store, registry, convention);
			this.purgeable = (PurgeableStore) store;
		}

		@Override
		public int purgeExpired() {
			return this.purgeable.purgeExpired();
		}

	}

}
