package dev.phanes.store;

import java.lang.reflect.Method;
import java.util.Set;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/**
 * Observes the {@link Store} operations of a proxied store bean: reads, lists, writes and
 * deletes are {@code phanes.store} observations, the views it returns from
 * {@code database(String)} and {@code table(String)} are decorated by an
 * {@link ObservedStore}, and every other method (the bean's other interfaces and its own
 * methods) is called as it is. Thread-safe.
 */
final class StoreObservationInterceptor implements MethodInterceptor {

	private static final Set<String> OPERATIONS = Set.of("read", "list", "write", "delete");

	private final StoreObserver observer;

	StoreObservationInterceptor(StoreObserver observer) {
		this.observer = observer;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Method method = invocation.getMethod();
		String name = method.getName();
		if (isView(method)) {
			Object view = invocation.proceed();
			return (view instanceof Store store) ? ObservedStore.observe(store, this.observer) : view;
		}
		if (!OPERATIONS.contains(name) || !(invocation.getThis() instanceof Store store)) {
			return invocation.proceed();
		}
		StoreObserver.Operation operation = this.observer.start(store, name);
		if (operation == null) {
			return invocation.proceed();
		}
		try (var scope = operation.openScope()) {
			return invocation.proceed();
		}
		catch (Throwable ex) {
			throw operation.failed(ex);
		}
		finally {
			operation.stop();
		}
	}

	private static boolean isView(Method method) {
		return method.getParameterCount() == 1 && Store.class.isAssignableFrom(method.getReturnType())
				&& (method.getName().equals("database") || method.getName().equals("table"));
	}

}
