package dev.phanes.store;

import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Starts the {@code phanes.store} observation of one operation on a store, shared by the
 * {@link ObservedStore} decorator and the {@link StoreObservationInterceptor}. The
 * store's backend, database and table are read when the operation starts, so a scoped or
 * refreshed store is tagged with what it is at that moment. Thread-safe.
 */
final class StoreObserver {

	private static final StoreObservationConvention DEFAULT_CONVENTION = new DefaultStoreObservationConvention();

	private final ObservationRegistry registry;

	private final @Nullable StoreObservationConvention convention;

	StoreObserver(ObservationRegistry registry, @Nullable StoreObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	ObservationRegistry registry() {
		return this.registry;
	}

	@Nullable StoreObservationConvention convention() {
		return this.convention;
	}

	/**
	 * Start observing an operation, unless the registry is a no-op or the operation runs
	 * inside another store's observation (a store decorating another store is observed
	 * once, as the outer one).
	 * @param store the store whose operation starts
	 * @param operation the operation's name
	 * @return the started operation, or {@code null} if it is not observed
	 */
	@Nullable Operation start(Store store, String operation) {
		if (this.registry.isNoop()) {
			return null;
		}
		Observation current = this.registry.getCurrentObservation();
		if (current != null && current.getContext() instanceof StoreObservationContext) {
			return null;
		}
		Operation started = new Operation(DescribedStore.backendOf(store), operation, store.database(), store.table());
		started.observation = Observation.createNotStarted(this.convention, DEFAULT_CONVENTION, started, this.registry)
			.start();
		return started;
	}

	/**
	 * One observed operation: its context, which supplies itself so starting the
	 * observation allocates no supplier, and its observation.
	 */
	static final class Operation extends StoreObservationContext implements Supplier<StoreObservationContext> {

		private @Nullable Observation observation;

		private Operation(String backend, String operation, String database, String table) {
			super(backend, operation, database, table);
		}

		@Override
		public StoreObservationContext get() {
			return this;
		}

		Observation.Scope openScope() {
			return observation().openScope();
		}

		/**
		 * Record how the operation failed: a version conflict is an expected outcome of
		 * optimistic concurrency, not an error of the store.
		 * @param ex what the store threw
		 * @return the same exception, to rethrow
		 */
		<E extends Throwable> E failed(E ex) {
			if (ex instanceof VersionConflictException) {
				setOutcome(Outcome.CONFLICT);
			}
			else {
				setOutcome(Outcome.ERROR);
				observation().error(ex);
			}
			return ex;
		}

		void stop() {
			observation().stop();
		}

		private Observation observation() {
			Observation observation = this.observation;
			if (observation == null) {
				throw new IllegalStateException("Not started");
			}
			return observation;
		}

	}

}
