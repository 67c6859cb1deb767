package dev.phanes.store;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AbstractAdvisingBeanPostProcessor;
import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.ReflectionUtils;

/**
 * Observes every {@link Store} bean, Phanes' or the application's own, on the context's
 * {@link ObservationRegistry} and {@link StoreObservationConvention}, if there are any.
 * <p>
 * Phanes' own {@link DefaultStore} (a final class whose interfaces are all stores) is
 * decorated by an {@link ObservedStore}. Any other store bean gets a Spring AOP proxy, a
 * subclass of its class when the class is not final (so it can still be injected as its
 * own class) and one with all its interfaces otherwise, whose
 * {@link StoreObservationInterceptor} observes only the store operations; an existing
 * proxy gets the interceptor added. A scoped store is observed as each target is created
 * in its scope, its scoped proxy is left as it is, as is a store observed already; a
 * store calling another store is observed once, as the outer one.
 */
class ObservedStorePostProcessor extends AbstractAdvisingBeanPostProcessor {

	private final ObjectProvider<ObservationRegistry> observationRegistry;

	private final ObjectProvider<StoreObservationConvention> convention;

	private @Nullable StoreObserver observer;

	ObservedStorePostProcessor(ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<StoreObservationConvention> convention) {
		this.observationRegistry = observationRegistry;
		this.convention = convention;
		setProxyTargetClass(true);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!(bean instanceof Store store) || bean instanceof ObservedStore || bean instanceof AopInfrastructureBean) {
			return bean;
		}
		StoreObserver observer = observer();
		if (observer == null) {
			return bean;
		}
		if (bean instanceof DefaultStore) {
			return ObservedStore.observe(store, observer);
		}
		return super.postProcessAfterInitialization(bean, beanName);
	}

	@Override
	public Class<?> determineBeanType(Class<?> beanClass, String beanName) {
		// A final class is proxied through its interfaces (or decorated): its type as
		// predicted before the bean exists stays its own.
		return Modifier.isFinal(beanClass.getModifiers()) ? beanClass : super.determineBeanType(beanClass, beanName);
	}

	@Override
	protected ProxyFactory prepareProxyFactory(Object bean, String beanName) {
		ProxyFactory proxyFactory = super.prepareProxyFactory(bean, beanName);
		if (Modifier.isFinal(bean.getClass().getModifiers())) {
			proxyFactory.setProxyTargetClass(false);
		}
		return proxyFactory;
	}

	private synchronized @Nullable StoreObserver observer() {
		if (this.observer == null) {
			ObservationRegistry registry = this.observationRegistry.getIfUnique();
			if (registry == null) {
				return null;
			}
			this.observer = new StoreObserver(registry, this.convention.getIfUnique());
			this.advisor = new DefaultPointcutAdvisor(new StoreMethods(),
					new StoreObservationInterceptor(this.observer));
		}
		return this.observer;
	}

	/**
	 * The methods a {@link Store} declares, on any class that is a store.
	 */
	private static final class StoreMethods extends StaticMethodMatcherPointcut {

		StoreMethods() {
			setClassFilter(Store.class::isAssignableFrom);
		}

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return ReflectionUtils.findMethod(Store.class, method.getName(), method.getParameterTypes()) != null;
		}

	}

}
