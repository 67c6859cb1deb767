package dev.phanes.config.etcd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * Turns the keys under an etcd prefix into property names: the path below the prefix with
 * {@code /} replaced by {@code .}, and a numeric segment as a list index
 * ({@code /config/orders/server/port} is {@code server.port},
 * {@code /config/orders/app/hosts/0} is {@code app.hosts[0]}). A key whose last segment
 * ends in {@code .yml}, {@code .yaml} or {@code .properties} holds a document of that
 * format, and its properties are placed below the path without the file name. Thread-safe
 * (stateless).
 */
final class EtcdKeyMapper {

	private EtcdKeyMapper() {
	}

	/**
	 * Map the key-values under a prefix to properties; on clashes a plain key wins over a
	 * document, and between documents the later key (in key order) wins.
	 * @param prefix the prefix, ending in {@code /}
	 * @param entries keys (full, in key order) and their values
	 * @return the properties, in key order
	 * @throws InvalidEtcdValueException if a document cannot be parsed
	 */
	static Map<String, Object> properties(String prefix, Map<String, byte[]> entries) {
		Map<String, Object> documents = new LinkedHashMap<>();
		Map<String, Object> plain = new LinkedHashMap<>();
		entries.forEach((key, value) -> {
			if (!key.startsWith(prefix) || key.length() == prefix.length() || key.endsWith("/")) {
				return;
			}
			String path = key.substring(prefix.length());
			String last = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
			if (last.endsWith(".yml") || last.endsWith(".yaml") || last.endsWith(".properties")) {
				int slash = path.lastIndexOf('/');
				String base = (slash < 0) ? "" : propertyName(path.substring(0, slash));
				document(key, last, value).forEach((name, property) -> documents
					.put(base.isEmpty() ? name : (name.startsWith("[") ? base + name : base + "." + name), property));
			}
			else {
				plain.put(propertyName(path), new String(value, StandardCharsets.UTF_8));
			}
		});
		documents.putAll(plain);
		return documents;
	}

	/**
	 * The property name of a path below a prefix.
	 * @param path the path, without the prefix
	 * @return the property name
	 */
	static String propertyName(String path) {
		StringBuilder name = new StringBuilder();
		for (String segment : path.split("/")) {
			if (segment.isEmpty()) {
				continue;
			}
			if (!segment.chars().allMatch(Character::isDigit)) {
				name.append((name.length() > 0) ? "." : "").append(segment);
			}
			else {
				name.append('[').append(segment).append(']');
			}
		}
		return name.toString();
	}

	private static Map<String, Object> document(String key, String fileName, byte[] value) {
		ByteArrayResource resource = new ByteArrayResource(value, "etcd key " + key);
		List<PropertySource<?>> sources;
		try {
			sources = fileName.endsWith(".properties") ? new PropertiesPropertySourceLoader().load(key, resource)
					: new YamlPropertySourceLoader().load(key, resource);
		}
		catch (IOException | RuntimeException ex) {
			throw new InvalidEtcdValueException(key, "not a valid "
					+ (fileName.endsWith(".properties") ? "properties" : "YAML") + " document: " + ex.getMessage(), ex);
		}
		Map<String, Object> properties = new LinkedHashMap<>();
		for (PropertySource<?> source : sources) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					Object property = enumerable.getProperty(name);
					properties.putIfAbsent(name, (property != null) ? property.toString() : "");
				}
			}
		}
		return properties;
	}

}
