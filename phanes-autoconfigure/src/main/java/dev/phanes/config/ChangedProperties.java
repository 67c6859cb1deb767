package dev.phanes.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * The properties a reload changes, to tell which {@code @ConfigurationProperties}
 * prefixes it can affect, so that only those are checked and rebound. A prefix is
 * affected when a changed key lies under it (or above it), and also when a key under it
 * holds a placeholder, whose value may come from any changed key. A changed key that is
 * not a valid property name affects every prefix. Immutable.
 */
final class ChangedProperties {

	private final List<ConfigurationPropertyName> names;

	private final boolean everything;

	private ChangedProperties(List<ConfigurationPropertyName> names, boolean everything) {
		this.names = names;
		this.everything = everything;
	}

	/**
	 * Describe a change.
	 * @param changedKeys the keys whose values changed, were added or were removed
	 * @param candidate every property of the candidate sources, by key
	 * @return the change
	 */
	static ChangedProperties of(Collection<String> changedKeys, Map<String, Object> candidate) {
		List<ConfigurationPropertyName> names = new ArrayList<>();
		boolean everything = false;
		for (String key : changedKeys) {
			ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key, '.');
			if (name.isEmpty()) {
				everything = true;
			}
			names.add(name);
		}
		candidate.forEach((key, value) -> {
			if (value != null && String.valueOf(value).contains("${")) {
				names.add(ConfigurationPropertyName.adapt(key, '.'));
			}
		});
		return new ChangedProperties(List.copyOf(names), everything);
	}

	/**
	 * Return whether the change can affect what binds under a prefix.
	 * @param prefix a {@code @ConfigurationProperties} prefix ({@code ""} for the root)
	 * @return whether a changed key, or a placeholder, lies under or above it
	 */
	boolean affects(String prefix) {
		if (this.everything || prefix.isEmpty()) {
			return true;
		}
		ConfigurationPropertyName root = ConfigurationPropertyName.adapt(prefix, '.');
		if (root.isEmpty()) {
			return true;
		}
		for (ConfigurationPropertyName name : this.names) {
			if (name.isEmpty() || root.equals(name) || root.isAncestorOf(name) || name.isAncestorOf(root)) {
				return true;
			}
		}
		return false;
	}

}
