package dev.phanes.event;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Event metrics in Micrometer, tagged with transport and topic: the counters
 * {@code phanes.event.failed}, {@code phanes.event.retried} and
 * {@code phanes.event.dead.lettered}. Publications and deliveries are counted by the
 * timers of their observations ({@code phanes.event.publish},
 * {@code phanes.event.deliver}).
 */
public class MicrometerEventMetrics implements EventMetrics {

	private final MeterRegistry registry;

	private final Map<Meter, Counter> counters = new ConcurrentHashMap<>();

	/**
	 * Create the metrics.
	 * @param registry where the counters are registered
	 */
	public MicrometerEventMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void failed(String transport, String topic) {
		count("phanes.event.failed", "Failed publications and deliveries", transport, topic);
	}

	@Override
	public void retried(String transport, String topic) {
		count("phanes.event.retried", "Deliveries attempted again after a failure", transport, topic);
	}

	@Override
	public void deadLettered(String transport, String topic) {
		count("phanes.event.dead.lettered", "Events moved to the dead-letter topic", transport, topic);
	}

	// Counts often, from Kafka's producer thread too: each counter is looked up once.
	private void count(String name, String description, String transport, String topic) {
		Counter counter = this.counters.get(new Meter(name, transport, topic));
		if (counter == null) {
			counter = this.counters.computeIfAbsent(new Meter(name, transport, topic),
					(meter) -> Counter.builder(name)
						.description(description)
						.tag("transport", transport)
						.tag("topic", topic)
						.register(this.registry));
		}
		counter.increment();
	}

	private record Meter(String name, String transport, String topic) {

	}

}
