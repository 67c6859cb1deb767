package dev.phanes.event;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Publishes on the bus the payloads that the application published as
 * {@code ApplicationEvent}s and whose type is marked {@link ExportedEvent}. Events that
 * came from the bus are never exported again, so no event loops between services.
 */
final class ApplicationEventExporter implements GenericApplicationListener {

	private static final Log logger = LogFactory.getLog(ApplicationEventExporter.class);

	private final Target target;

	private final Map<Class<?>, Optional<Export>> exports = new ConcurrentHashMap<>();

	ApplicationEventExporter(Target target) {
		this.target = target;
	}

	@Override
	public boolean supportsEventType(ResolvableType eventType) {
		Class<?> type = eventType.toClass();
		return PayloadApplicationEvent.class.isAssignableFrom(type)
				&& !EventBusApplicationEvent.class.isAssignableFrom(type);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (!(event instanceof PayloadApplicationEvent<?> payloadEvent) || event instanceof EventBusApplicationEvent) {
			return;
		}
		Object payload = payloadEvent.getPayload();
		Optional<Export> export = this.exports.computeIfAbsent(payload.getClass(), Export::of);
		export.ifPresent((target) -> this.target.export(target.topic(), target.key(payload), payload)
			.whenComplete((published, ex) -> {
				if (ex != null) {
					logger.error("Exported event " + payload.getClass().getName() + " did not reach topic '"
							+ target.topic() + "'", ex);
				}
			}));
	}

	private record Export(String topic, @Nullable Method keyAccessor) {

		static Optional<Export> of(Class<?> type) {
			ExportedEvent exported = AnnotationUtils.findAnnotation(type, ExportedEvent.class);
			if (exported == null) {
				return Optional.empty();
			}
			Method accessor = null;
			if (StringUtils.hasText(exported.key())) {
				accessor = ReflectionUtils.findMethod(type, exported.key());
				if (accessor == null) {
					accessor = ReflectionUtils.findMethod(type, "get" + StringUtils.capitalize(exported.key()));
				}
				if (accessor == null) {
					throw new IllegalStateException("@ExportedEvent on " + type.getName() + " names the key '"
							+ exported.key() + "', but the type has no such record component or getter");
				}
				ReflectionUtils.makeAccessible(accessor);
			}
			return Optional.of(new Export(exported.topic(), accessor));
		}

		@Nullable String key(Object payload) {
			if (this.keyAccessor == null) {
				return null;
			}
			Object key = ReflectionUtils.invokeMethod(this.keyAccessor, payload);
			return (key != null) ? key.toString() : null;
		}

	}

	/**
	 * Where exported payloads go: the bus's publication without a second multicast, or a
	 * plain {@link EventBus#publish} for a bus that does not multicast.
	 */
	@FunctionalInterface
	interface Target {

		CompletableFuture<?> export(String topic, @Nullable String key, Object payload);

	}

}
