package dev.phanes.collector;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What a user sees of the meters of a registry whose names start with a prefix: one line
 * per meter with its name, type, tags, description, base unit and count, in name and tag
 * order, so that two registries can be compared.
 */
final class MeterSnapshot {

	private MeterSnapshot() {
	}

	static List<String> of(MeterRegistry registry, String prefix) {
		return registry.getMeters()
			.stream()
			.filter((meter) -> meter.getId().getName().startsWith(prefix))
			.map(MeterSnapshot::line)
			.sorted(Comparator.naturalOrder())
			.toList();
	}

	private static String line(Meter meter) {
		Meter.Id id = meter.getId();
		String tags = StreamSupport.stream(id.getTagsAsIterable().spliterator(), false)
			.map((tag) -> tag.getKey() + "=" + tag.getValue())
			.collect(Collectors.joining(",", "{", "}"));
		return String.format(Locale.ROOT, "%s %s %s '%s' %s %s", id.getName(), id.getType(), tags, id.getDescription(),
				id.getBaseUnit(), count(meter));
	}

	private static String count(Meter meter) {
		if (meter instanceof Timer timer) {
			return "count=" + timer.count();
		}
		if (meter instanceof LongTaskTimer active) {
			return "active=" + active.activeTasks();
		}
		if (meter instanceof Counter counter) {
			return "count=" + counter.count();
		}
		return "";
	}

}
