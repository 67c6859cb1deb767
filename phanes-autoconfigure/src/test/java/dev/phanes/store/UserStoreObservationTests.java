package dev.phanes.store;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;

import org.springframework.aop.support.AopUtils;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conformance suite on an application's own {@link Store} bean, through the
 * auto-configuration: the bean is observed, with the application's
 * {@link StoreObservationConvention}, and still behaves as a store must. Every test of
 * the suite ends by checking what was observed.
 */
class UserStoreObservationTests extends StoreConformanceTests {

	private final Queue<Observation.Context> observed = new ConcurrentLinkedQueue<>();

	private AnnotationConfigApplicationContext context;

	@Override
	protected Store createStore(StoreOptions options) {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new Recorder());
		this.context = new AnnotationConfigApplicationContext();
		this.context.registerBean(ObservationRegistry.class, () -> registry);
		this.context.registerBean(StoreObservationConvention.class, UserConvention::new);
		this.context.registerBean("userStore", Store.class,
				() -> new PurgeableUserStore(new DefaultStore(new MemoryStoreEngine(), options)));
		this.context.register(StoreAutoConfiguration.class);
		this.context.refresh();
		return this.context.getBean(Store.class);
	}

	@AfterEach
	void everyOperationWasObservedWithTheUsersConvention() {
		try {
			Store store = this.context.getBean(Store.class);
			assertThat(AopUtils.isJdkDynamicProxy(store)).isTrue();
			assertThat(store).isInstanceOf(PurgeableStore.class);
			List<Observation.Context> contexts = List.copyOf(this.observed);
			assertThat(contexts).isNotEmpty().allSatisfy((context) -> {
				assertThat(context.getName()).isEqualTo(UserConvention.NAME);
				assertThat(context.getLowCardinalityKeyValue("backend").getValue())
					.isEqualTo(DescribedStore.UNDESCRIBED);
				assertThat(context.getLowCardinalityKeyValue("operation").getValue()).isIn("read", "list", "write",
						"delete");
			});
		}
		finally {
			this.context.close();
		}
	}

	/**
	 * An application's store that purges but does not name its backend.
	 */
	static final class PurgeableUserStore extends UserStore implements PurgeableStore {

		private final DefaultStore store;

		PurgeableUserStore(DefaultStore store) {
			super(store);
			this.store = store;
		}

		@Override
		public Store database(String database) {
			return new PurgeableUserStore(this.store.database(database));
		}

		@Override
		public Store table(String table) {
			return new PurgeableUserStore(this.store.table(table));
		}

		@Override
		public int purgeExpired() {
			return this.store.purgeExpired();
		}

	}

	/**
	 * An application's convention: another name, the default tags.
	 */
	static final class UserConvention extends DefaultStoreObservationConvention {

		static final String NAME = "user.store";

		@Override
		public String getName() {
			return NAME;
		}

	}

	private final class Recorder implements ObservationHandler<Observation.Context> {

		@Override
		public void onStop(Observation.Context context) {
			UserStoreObservationTests.this.observed.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

}
