package dev.phanes.collector;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.phanes.observation.PhanesObservationDocumentation;
import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps Phanes meters (names starting {@code phanes.}) consistent and of low cardinality:
 * the meters of a documented Phanes observation get its description, {@code outcome}
 * values are lower case, and a tag whose values come from outside the application
 * ({@link PhanesObservationDocumentation#getExternalKeyNames()}) takes at most a fixed
 * number of distinct values; a meter with a further value is not recorded, and that is
 * logged once per tag. Other meters pass untouched. Thread-safe.
 */
public class PhanesMeterFilter implements MeterFilter {

	private static final Log logger = LogFactory.getLog(PhanesMeterFilter.class);

	private static final String PREFIX = "phanes.";

	private static final String ACTIVE = ".active";

	private final int maxTagValues;

	private final Map<String, PhanesObservationDocumentation> observations;

	private final List<String> externalTags;

	private final Map<String, Set<String>> seen = new ConcurrentHashMap<>();

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	/**
	 * Create a filter.
	 * @param maxTagValues the most distinct values of each external tag
	 * @param observations the documented observations of the blocks present
	 */
	public PhanesMeterFilter(int maxTagValues, Collection<? extends PhanesObservationDocumentation> observations) {
		this.maxTagValues = maxTagValues;
		Map<String, PhanesObservationDocumentation> byName = new HashMap<>();
		Set<String> externalTags = new LinkedHashSet<>();
		for (PhanesObservationDocumentation observation : observations) {
			byName.put(observation.getName(), observation);
			for (KeyName key : observation.getExternalKeyNames()) {
				externalTags.add(key.asString());
			}
		}
		this.observations = Map.copyOf(byName);
		this.externalTags = List.copyOf(externalTags);
	}

	private @Nullable PhanesObservationDocumentation forMeter(String meterName) {
		PhanesObservationDocumentation observation = this.observations.get(meterName);
		if (observation == null && meterName.endsWith(ACTIVE)) {
			observation = this.observations.get(meterName.substring(0, meterName.length() - ACTIVE.length()));
		}
		return observation;
	}

	@Override
	public Meter.Id map(Meter.Id id) {
		if (!id.getName().startsWith(PREFIX)) {
			return id;
		}
		Meter.Id mapped = id;
		PhanesObservationDocumentation observation = forMeter(id.getName());
		if (id.getDescription() == null && observation != null) {
			String description = id.getName().endsWith(ACTIVE) ? observation.getDescription() + " in progress"
					: observation.getDescription();
			mapped = new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), description,
					id.getType());
		}
		String outcome = mapped.getTag("outcome");
		if (outcome == null || outcome.equals(outcome.toLowerCase(Locale.ROOT))) {
			return mapped;
		}
		List<Tag> tags = new ArrayList<>();
		for (Tag tag : mapped.getTagsAsIterable()) {
			tags.add(tag.getKey().equals("outcome") ? Tag.of("outcome", outcome.toLowerCase(Locale.ROOT)) : tag);
		}
		return mapped.replaceTags(tags);
	}

	@Override
	public MeterFilterReply accept(Meter.Id id) {
		if (!id.getName().startsWith(PREFIX)) {
			return MeterFilterReply.NEUTRAL;
		}
		for (String key : this.externalTags) {
			String value = id.getTag(key);
			if (value != null && !admit(key, value)) {
				if (this.warned.add(key)) {
					logger.warn("Phanes meters have reached " + this.maxTagValues + " values of the tag '" + key
							+ "'; meters with further values (such as " + id.getName() + " " + key + "=" + value
							+ ") are not recorded. Raise phanes.collector.metrics.max-tag-values if that many are expected");
				}
				return MeterFilterReply.DENY;
			}
		}
		return MeterFilterReply.NEUTRAL;
	}

	private boolean admit(String key, String value) {
		Set<String> values = this.seen.computeIfAbsent(key, (k) -> ConcurrentHashMap.newKeySet());
		if (values.contains(value)) {
			return true;
		}
		synchronized (values) {
			if (values.size() >= this.maxTagValues) {
				return values.contains(value);
			}
			values.add(value);
			return true;
		}
	}

}
