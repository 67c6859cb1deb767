package dev.phanes.config;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.validation.annotation.Validated;

/**
 * Live handles on configuration properties types that cannot be rebound in place
 * (records, constructor-bound classes): {@code of(Limits.class).get()} always returns the
 * instance bound at the last accepted reload. The type needs
 * {@code @ConfigurationProperties}; its prefix and {@code @Validated} apply as for a
 * bean. Thread-safe.
 */
public class LiveProperties {

	private final ConfigurableEnvironment environment;

	private final Map<Class<?>, Handle<?>> handles = new ConcurrentHashMap<>();

	/**
	 * Create the handles' registry.
	 * @param environment the environment to bind from
	 */
	public LiveProperties(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	/**
	 * The live handle of a type, bound now if it is the first.
	 * @param <T> the type
	 * @param type a type annotated with {@code @ConfigurationProperties}
	 * @return the handle
	 * @throws IllegalArgumentException if the type has no
	 * {@code @ConfigurationProperties}
	 * @throws org.springframework.boot.context.properties.bind.BindException if the
	 * current values do not bind
	 */
	@SuppressWarnings("unchecked")
	public <T> Supplier<T> of(Class<T> type) {
		return (Supplier<T>) this.handles.computeIfAbsent(type, (key) -> {
			Handle<T> handle = new Handle<>(type);
			handle.bind(Binder.get(this.environment));
			return handle;
		});
	}

	Collection<Class<?>> types() {
		return List.copyOf(this.handles.keySet());
	}

	void rebind(ConfigurableEnvironment environment) {
		Binder binder = Binder.get(environment);
		this.handles.values().forEach((handle) -> handle.bind(binder));
	}

	static ConfigurationProperties annotation(Class<?> type) {
		ConfigurationProperties annotation = MergedAnnotations.from(type)
			.get(ConfigurationProperties.class)
			.synthesize(java.util.Objects::nonNull)
			.orElse(null);
		if (annotation == null) {
			throw new IllegalArgumentException(type.getName() + " is not annotated with @ConfigurationProperties");
		}
		return annotation;
	}

	static <T> Bindable<T> bindable(Class<T> type) {
		Validated validated = MergedAnnotations.from(type)
			.get(Validated.class)
			.synthesize(java.util.Objects::nonNull)
			.orElse(null);
		Bindable<T> bindable = Bindable.of(type).withAnnotations(annotation(type));
		return (validated != null) ? bindable.withAnnotations(annotation(type), validated) : bindable;
	}

	private static final class Handle<T> implements Supplier<T> {

		private final Class<T> type;

		private volatile T value;

		@SuppressWarnings("NullAway.Init")
		Handle(Class<T> type) {
			this.type = type;
		}

		void bind(Binder binder) {
			ConfigurationProperties annotation = annotation(this.type);
			String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
			this.value = binder.bindOrCreate(prefix, bindable(this.type));
		}

		@Override
		public T get() {
			return this.value;
		}

	}

}
