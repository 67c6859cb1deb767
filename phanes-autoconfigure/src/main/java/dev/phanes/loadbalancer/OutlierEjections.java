package dev.phanes.loadbalancer;

import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link OutlierEjection} of every service this application calls, one per service,
 * shared by its HTTP clients and its gRPC channels: an instance that fails over one is
 * left out by both. Thread-safe.
 */
public class OutlierEjections {

	private final ConcurrentHashMap<String, OutlierEjection> services = new ConcurrentHashMap<>();

	private final PhanesLoadBalancerProperties.Outlier settings;

	private final LoadBalancerMetrics metrics;

	private final Clock clock;

	/**
	 * Create the registry.
	 * @param settings the ejection settings, the same for every service
	 * @param metrics where each service's ejected instances are reported
	 * @param clock the clock deciding when ejections end
	 */
	public OutlierEjections(PhanesLoadBalancerProperties.Outlier settings, LoadBalancerMetrics metrics, Clock clock) {
		this.settings = settings;
		this.metrics = metrics;
		this.clock = clock;
	}

	/**
	 * The outlier detection of a service, created on first use.
	 * @param serviceId the service
	 * @return its outlier detection
	 */
	public OutlierEjection forService(String serviceId) {
		OutlierEjection ejection = this.services.get(serviceId);
		if (ejection != null) {
			return ejection;
		}
		return this.services.computeIfAbsent(serviceId, (id) -> {
			OutlierEjection created = new OutlierEjection(id, this.settings.getConsecutiveFailures(),
					this.settings.getBaseEjectionTime(), this.settings.getMaxEjectionTime(),
					this.settings.getMaxEjectionPercent(), this.clock);
			this.metrics.watch(created);
			return created;
		});
	}

	/**
	 * The services called so far and their outlier detection.
	 * @return them, by service id
	 */
	public Map<String, OutlierEjection> services() {
		return new TreeMap<>(this.services);
	}

	/**
	 * Whether instances are ejected at all.
	 * @return whether ejection is on
	 */
	public boolean isEnabled() {
		return !this.settings.getBaseEjectionTime().isZero() && !this.settings.getBaseEjectionTime().isNegative()
				&& this.settings.getMaxEjectionPercent() > 0;
	}

}
