package dev.phanes.store;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Decorates every {@link Store} bean, Phanes' or the application's own, with an
 * {@link ObservedStore} on the context's {@link ObservationRegistry} and
 * {@link StoreObservationConvention}, if there are any. A store observed already is left
 * as it is, and the target of a scoped proxy is left to its proxy, so none is observed
 * twice. The bean is then an {@code ObservedStore}: inject it as a {@link Store} (or a
 * {@link PurgeableStore}, which it stays), not as its own class.
 */
class ObservedStorePostProcessor implements BeanPostProcessor {

	private final ObjectProvider<ObservationRegistry> observationRegistry;

	private final ObjectProvider<StoreObservationConvention> convention;

	ObservedStorePostProcessor(ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<StoreObservationConvention> convention) {
		this.observationRegistry = observationRegistry;
		this.convention = convention;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!(bean instanceof Store store) || bean instanceof ObservedStore
				|| ScopedProxyUtils.isScopedTarget(beanName)) {
			return bean;
		}
		ObservationRegistry registry = this.observationRegistry.getIfUnique();
		return (registry != null) ? ObservedStore.observe(store, registry, this.convention.getIfUnique()) : bean;
	}

}
