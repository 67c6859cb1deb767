package dev.phanes.event;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.Assert;

/**
 * The allow-list of payload types: logical names (see {@link EventName}) and the classes
 * they stand for. Events arriving with a name that is not here are refused, so no class
 * the wire names is ever instantiated. Types enter it from {@code phanes.event.types},
 * from subscriptions and from publications. Thread-safe.
 */
public final class EventTypes {

	private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();

	private final Map<Class<?>, String> names = new ConcurrentHashMap<>();

	/**
	 * Create an allow-list holding the given types.
	 * @param types logical names and their classes
	 */
	public EventTypes(Map<String, Class<?>> types) {
		types.forEach(this::register);
	}

	/**
	 * Allow a class under its logical name.
	 * @param type the class
	 * @return its logical name
	 */
	public String register(Class<?> type) {
		String name = this.names.get(type);
		if (name != null) {
			return name;
		}
		name = nameOf(type);
		register(name, type);
		return name;
	}

	/**
	 * Allow a class under a name.
	 * @param name the logical name
	 * @param type the class
	 * @throws IllegalStateException if another class already has the name
	 */
	public void register(String name, Class<?> type) {
		Assert.hasText(name, "Event type name must not be empty");
		Class<?> previous = this.classes.putIfAbsent(name, type);
		if (previous != null && previous != type) {
			throw new IllegalStateException("Event type name '" + name + "' is taken by " + previous.getName()
					+ " and cannot also name " + type.getName() + "; give one of them another @EventName");
		}
		this.names.putIfAbsent(type, name);
	}

	/**
	 * The class registered under a name.
	 * @param name the logical name
	 * @return the class, or empty if the name is not allowed
	 */
	public Optional<Class<?>> typeOf(String name) {
		return Optional.ofNullable(this.classes.get(name));
	}

	/**
	 * The logical name of a class: its {@link EventName}, or else its simple name.
	 * @param type the class
	 * @return the name
	 */
	public static String nameOf(Class<?> type) {
		EventName name = AnnotationUtils.findAnnotation(type, EventName.class);
		return (name != null) ? name.value() : type.getSimpleName();
	}

}
