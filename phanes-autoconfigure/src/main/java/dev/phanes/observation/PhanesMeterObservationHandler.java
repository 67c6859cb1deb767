package dev.phanes.observation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.noop.NoopMeter;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * Records Phanes observations ({@link PhanesObservationContext}) as the meters
 * Micrometer's {@link DefaultMeterObservationHandler} would record: a timer
 * {@code <name>} tagged with the low-cardinality key values and {@code error}, a
 * long-task timer {@code <name>.active} tagged with the key values known at start (unless
 * ignored), and a counter {@code <name>.<event>} per event. The meters are registered the
 * same way, so every {@code MeterFilter} of the registry applies; the difference is that
 * the timers of a tag combination are looked up in the registry once and then kept,
 * rather than building their tags and id on every operation.
 * <p>
 * At most {@code maxTagSets} tag combinations are kept; further ones, and meters a filter
 * denied, are looked up in the registry each time, as the default handler does. The kept
 * meters are dropped when any meter is removed from the registry. Filters added to the
 * registry after a Phanes meter was registered do not reach that meter, which Micrometer
 * warns against anyway. Thread-safe.
 */
public class PhanesMeterObservationHandler implements MeterObservationHandler<PhanesObservationContext> {

	/**
	 * Tag combinations kept unless told otherwise.
	 */
	public static final int DEFAULT_MAX_TAG_SETS = 1000;

	private static final String NO_ERROR = "none";

	private final MeterRegistry registry;

	private final Clock clock;

	private final boolean longTaskTimer;

	private final int maxTagSets;

	private final Map<String, Map<KeyValues, Meters>> meters = new ConcurrentHashMap<>();

	private final AtomicInteger tagSets = new AtomicInteger();

	private volatile int generation;

	/**
	 * Create a handler.
	 * @param registry the registry to record to
	 * @param longTaskTimer whether to record the long-task timer {@code <name>.active}
	 * @param maxTagSets the most tag combinations whose meters are kept
	 */
	public PhanesMeterObservationHandler(MeterRegistry registry, boolean longTaskTimer, int maxTagSets) {
		this.registry = registry;
		this.clock = registry.config().clock();
		this.longTaskTimer = longTaskTimer;
		this.maxTagSets = maxTagSets;
		registry.config().onMeterRemoved((meter) -> forget());
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof PhanesObservationContext;
	}

	@Override
	public void onStart(PhanesObservationContext context) {
		if (this.longTaskTimer) {
			context.meterActive = meters(context.getName(), context.getLowCardinalityKeyValues()).active().start();
		}
		context.meterStart = this.clock.monotonicTime();
	}

	@Override
	public void onStop(PhanesObservationContext context) {
		Timer timer = meters(context.getName(), context.getLowCardinalityKeyValues()).timer(error(context));
		timer.record(this.clock.monotonicTime() - context.meterStart, TimeUnit.NANOSECONDS);
		if (context.meterActive instanceof LongTaskTimer.Sample active) {
			context.meterActive = null;
			active.stop();
		}
	}

	@Override
	public void onEvent(Observation.Event event, PhanesObservationContext context) {
		Counter.builder(context.getName() + "." + event.getName())
			.tags(tags(context.getLowCardinalityKeyValues()))
			.register(this.registry)
			.increment();
	}

	private Meters meters(String name, KeyValues keyValues) {
		Map<KeyValues, Meters> byTags = this.meters.computeIfAbsent(name, (key) -> new ConcurrentHashMap<>());
		Meters kept = byTags.get(keyValues);
		if (kept != null) {
			return kept;
		}
		Meters created = new Meters(name, keyValues);
		if (this.tagSets.get() >= this.maxTagSets) {
			return created;
		}
		int generation = this.generation;
		Meters raced = byTags.putIfAbsent(keyValues, created);
		if (raced != null) {
			return raced;
		}
		this.tagSets.incrementAndGet();
		if (generation != this.generation) {
			// A meter was removed meanwhile: do not keep what may already be stale.
			byTags.remove(keyValues, created);
		}
		return created;
	}

	private void forget() {
		this.generation++;
		this.meters.clear();
		this.tagSets.set(0);
	}

	private static String error(Observation.Context context) {
		Throwable error = context.getError();
		return (error != null) ? error.getClass().getSimpleName() : NO_ERROR;
	}

	private static List<Tag> tags(KeyValues keyValues) {
		List<Tag> tags = new ArrayList<>();
		for (KeyValue keyValue : keyValues) {
			tags.add(Tag.of(keyValue.getKey(), keyValue.getValue()));
		}
		return tags;
	}

	private static boolean isKept(Meter meter) {
		return !(meter instanceof NoopMeter);
	}

	/**
	 * The meters of one name and tag combination, registered on first use.
	 */
	private final class Meters {

		private final String name;

		private final KeyValues keyValues;

		private volatile @Nullable LongTaskTimer active;

		private volatile @Nullable Timer succeeded;

		private final Map<String, Timer> failed = new ConcurrentHashMap<>();

		Meters(String name, KeyValues keyValues) {
			this.name = name;
			this.keyValues = keyValues;
		}

		LongTaskTimer active() {
			LongTaskTimer active = this.active;
			if (active == null) {
				active = PhanesMeterObservationHandler.this.registry.more()
					.longTaskTimer(this.name + ".active", tags(this.keyValues));
				if (isKept(active)) {
					this.active = active;
				}
			}
			return active;
		}

		Timer timer(String error) {
			if (error == NO_ERROR) {
				Timer succeeded = this.succeeded;
				if (succeeded == null) {
					succeeded = register(error);
					if (isKept(succeeded)) {
						this.succeeded = succeeded;
					}
				}
				return succeeded;
			}
			Timer failed = this.failed.get(error);
			if (failed == null) {
				failed = register(error);
				if (isKept(failed)) {
					this.failed.put(error, failed);
				}
			}
			return failed;
		}

		private Timer register(String error) {
			List<Tag> tags = tags(this.keyValues);
			tags.add(Tag.of("error", error));
			return PhanesMeterObservationHandler.this.registry.timer(this.name, tags);
		}

	}

}
