package dev.phanes.discovery.etcd;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.serviceregistry.ServiceRegistry;

/**
 * A Spring Cloud {@link ServiceRegistry} over an etcd registry in go-micro's layout.
 * {@code OUT_OF_SERVICE} or {@code DOWN} deletes the registration's key and keeps the
 * registration; {@code UP} writes it again.
 */
public class EtcdServiceRegistry implements ServiceRegistry<EtcdRegistration> {

	/**
	 * Status of a registration peers can see.
	 */
	public static final String UP = "UP";

	/**
	 * Status of a registration taken out of the registry but kept.
	 */
	public static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";

	private final EtcdRegistrar registrar;

	private final Map<EtcdRegistration, String> statuses = new ConcurrentHashMap<>();

	/**
	 * Create a registry.
	 * @param registrar what keeps registrations in etcd
	 */
	public EtcdServiceRegistry(EtcdRegistrar registrar) {
		this.registrar = registrar;
	}

	@Override
	public void register(EtcdRegistration registration) {
		this.statuses.put(registration, UP);
		this.registrar.register(registration);
	}

	@Override
	public void deregister(EtcdRegistration registration) {
		this.statuses.remove(registration);
		this.registrar.deregister(registration);
	}

	/**
	 * Deregister every registration; the registrar stays usable (Spring Cloud closes the
	 * registry when the auto-registration stops, which a context may start again).
	 */
	@Override
	public void close() {
		for (EtcdRegistration registration : List.copyOf(this.statuses.keySet())) {
			deregister(registration);
		}
	}

	/**
	 * Take a registration out of the registry ({@code OUT_OF_SERVICE} or {@code DOWN}) or
	 * put it back ({@code UP}).
	 */
	@Override
	public synchronized void setStatus(EtcdRegistration registration, String status) {
		String normalized = status.toUpperCase(Locale.ROOT);
		String current = this.statuses.get(registration);
		if (current == null) {
			throw new IllegalStateException(registration + " is not registered");
		}
		if (UP.equals(normalized)) {
			if (!UP.equals(current)) {
				this.registrar.register(registration);
			}
		}
		else if (OUT_OF_SERVICE.equals(normalized) || "DOWN".equals(normalized)) {
			if (UP.equals(current)) {
				this.registrar.deregister(registration);
			}
		}
		else {
			throw new IllegalArgumentException(
					"Unknown status '" + status + "': use " + UP + ", " + OUT_OF_SERVICE + " or DOWN");
		}
		this.statuses.put(registration, normalized);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T getStatus(EtcdRegistration registration) {
		return (T) this.statuses.get(registration);
	}

}
