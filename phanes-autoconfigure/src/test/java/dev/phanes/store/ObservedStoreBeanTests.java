package dev.phanes.store;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.Scope;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.context.annotation.ScopedProxyMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How the auto-configuration observes store beans of every shape: scoped, with other
 * interfaces, injected as their own class, and decorating another store bean.
 */
class ObservedStoreBeanTests {

	private final List<StoreObservationContext> observed = new CopyOnWriteArrayList<>();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StoreAutoConfiguration.class))
		.withBean(ObservationRegistry.class, () -> {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new Recorder());
			return registry;
		});

	@Test
	void startsWithAScopedStoreAndTagsEachCallWithTheTargetOfItsScope() {
		this.contextRunner.withUserConfiguration(ScopedStoreConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			Store store = context.getBean(Store.class);
			assertThat(AopUtils.isAopProxy(store)).isTrue();
			assertThatException().isThrownBy(() -> store.read("k")).withStackTraceContaining("No call active");
			CallScope.run(() -> store.write(StoreRecord.of("k", "first")));
			CallScope.run(() -> store.write(StoreRecord.of("k", "second")));
			assertThat(this.observed).extracting(StoreObservationContext::getTable)
				.containsExactly("scoped1", "scoped2");
			assertThat(this.observed).extracting(StoreObservationContext::getOperation)
				.containsExactly("write", "write");
		});
	}

	@Test
	void keepsAUsersStoreInjectableAsItsClassWithItsOtherInterfaces() {
		this.contextRunner.withUserConfiguration(LifecycleStoreConfiguration.class).run((context) -> {
			LifecycleStore store = context.getBean(LifecycleStore.class);
			assertThat(AopUtils.isCglibProxy(store)).isTrue();
			assertThat(store.isRunning()).isTrue();
			assertThat(context.getBean("lifecycleStore", SmartLifecycle.class)).isSameAs(store);
			store.write(StoreRecord.of("k", "v"));
			assertThat(store.read("k")).isPresent();
			store.table("other").list(Query.all());
			assertThat(this.observed).extracting(StoreObservationContext::getOperation)
				.containsExactly("write", "read", "list");
			assertThat(this.observed).extracting(StoreObservationContext::getBackend)
				.containsOnly(DescribedStore.UNDESCRIBED);
		});
	}

	@Test
	void proxiesAFinalStoreThroughItsInterfaces() {
		this.contextRunner
			.withBean("finalStore", Store.class, () -> new FinalStore(new DefaultStore(new MemoryStoreEngine())))
			.run((context) -> {
				Store store = context.getBean(Store.class);
				assertThat(AopUtils.isJdkDynamicProxy(store)).isTrue();
				assertThat(store).isInstanceOf(PurgeableStore.class);
				store.delete("k");
				assertThat(this.observed).extracting(StoreObservationContext::getOperation).containsExactly("delete");
			});
	}

	@Test
	void observesAStoreBeanDecoratingAnotherStoreBeanOnce() {
		this.contextRunner.withUserConfiguration(DecoratingStoreConfiguration.class).run((context) -> {
			Store outer = context.getBean("outer", Store.class);
			Store inner = context.getBean("inner", Store.class);
			outer.write(StoreRecord.of("k", "v"));
			assertThat(this.observed).singleElement()
				.satisfies((observation) -> assertThat(observation.getBackend()).isEqualTo(DescribedStore.UNDESCRIBED));
			inner.read("k");
			assertThat(this.observed).hasSize(2)
				.last()
				.satisfies((observation) -> assertThat(observation.getBackend()).isEqualTo("memory"));
		});
	}

	@Test
	void observesAFailedOperationOfAProxiedStoreAsAnError() {
		this.contextRunner.withUserConfiguration(LifecycleStoreConfiguration.class).run((context) -> {
			Store store = context.getBean(Store.class);
			assertThatExceptionOfType(InvalidKeyException.class).isThrownBy(() -> store.read(""));
			store.write(StoreRecord.of("k", "v"));
			assertThatExceptionOfType(VersionConflictException.class)
				.isThrownBy(() -> store.write(StoreRecord.of("k", "stale"), WriteOptions.ifVersion(7)));
			assertThat(this.observed).extracting(StoreObservationContext::getOutcome)
				.containsExactly(StoreObservationContext.Outcome.ERROR, StoreObservationContext.Outcome.SUCCESS,
						StoreObservationContext.Outcome.CONFLICT);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class ScopedStoreConfiguration {

		private final AtomicInteger created = new AtomicInteger();

		@Bean
		static BeanFactoryPostProcessor callScope() {
			return (beanFactory) -> beanFactory.registerScope("call", new CallScope());
		}

		@Bean
		@org.springframework.context.annotation.Scope(scopeName = "call", proxyMode = ScopedProxyMode.INTERFACES)
		Store scopedStore() {
			return new UserStore(
					new DefaultStore(new MemoryStoreEngine()).table("scoped" + this.created.incrementAndGet()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LifecycleStoreConfiguration {

		@Bean
		LifecycleStore lifecycleStore() {
			return new LifecycleStore(new DefaultStore(new MemoryStoreEngine()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DecoratingStoreConfiguration {

		@Bean
		Store inner() {
			return new DefaultStore(new MemoryStoreEngine());
		}

		@Bean
		@Primary
		Store outer(@Qualifier("inner") Store inner) {
			return new UserStore(inner);
		}

	}

	/**
	 * An application's store that is also a lifecycle bean, injected as its own class.
	 */
	static class LifecycleStore extends UserStore implements SmartLifecycle {

		private volatile boolean running;

		LifecycleStore(Store store) {
			super(store);
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

	}

	/**
	 * A final store class that purges.
	 */
	static final class FinalStore extends UserStore implements PurgeableStore {

		FinalStore(Store store) {
			super(store);
		}

		@Override
		public int purgeExpired() {
			return 0;
		}

	}

	/**
	 * A scope like a request's: its beans exist only while a call runs on the thread.
	 */
	static final class CallScope implements Scope {

		private static final ThreadLocal<@Nullable Map<String, Object>> CALL = new ThreadLocal<>();

		static void run(Runnable call) {
			CALL.set(new ConcurrentHashMap<>());
			try {
				call.run();
			}
			finally {
				CALL.remove();
			}
		}

		@Override
		public Object get(String name, ObjectFactory<?> objectFactory) {
			Map<String, Object> beans = CALL.get();
			if (beans == null) {
				throw new IllegalStateException("No call active for bean '" + name + "'");
			}
			return beans.computeIfAbsent(name, (key) -> objectFactory.getObject());
		}

		@Override
		public @Nullable Object remove(String name) {
			Map<String, Object> beans = CALL.get();
			return (beans != null) ? beans.remove(name) : null;
		}

		@Override
		public void registerDestructionCallback(String name, Runnable callback) {
		}

		@Override
		public @Nullable Object resolveContextualObject(String key) {
			return null;
		}

		@Override
		public @Nullable String getConversationId() {
			return null;
		}

	}

	private final class Recorder implements ObservationHandler<Observation.Context> {

		@Override
		public void onStop(Observation.Context context) {
			if (context instanceof StoreObservationContext store) {
				ObservedStoreBeanTests.this.observed.add(store);
			}
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

}
