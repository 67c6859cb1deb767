package dev.phanes.discovery.etcd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.phanes.discovery.DiscoveredInstance;

/**
 * go-micro's registry layout in etcd: one key per node,
 * {@code <prefix><service>/<node id>} (a {@code /} in either name written as {@code -}),
 * whose value is a service document ({@code registry.Service} as JSON: name, version,
 * metadata, endpoints and the one node, with its id, {@code host:port} address and
 * metadata). Phanes writes the same documents and reads any go-micro version's.
 * Thread-safe.
 */
final class GoMicroDocuments {

	/**
	 * Node metadata key saying peers call the node over HTTPS; Phanes writes it only for
	 * a secure registration. A node whose {@code scheme} is {@code https} is secure too.
	 */
	static final String SECURE = "secure";

	private static final int MAX_NAME_LENGTH = 255;

	private final JsonMapper json = JsonMapper.shared();

	private final String prefix;

	private final int maxBytes;

	/**
	 * Create the codec of one registry.
	 * @param prefix the key prefix, ending in {@code /}
	 * @param maxBytes the largest document read
	 */
	GoMicroDocuments(String prefix, int maxBytes) {
		this.prefix = prefix;
		this.maxBytes = maxBytes;
	}

	String prefix() {
		return this.prefix;
	}

	/**
	 * The key of a registration.
	 * @param registration the registration
	 * @return its key
	 */
	String key(EtcdRegistration registration) {
		return this.prefix + segment(registration.getServiceId()) + "/" + segment(registration.getInstanceId());
	}

	/**
	 * The document of a registration, as go-micro's server writes its own: no service
	 * metadata, no endpoints, one node.
	 * @param registration the registration
	 * @return the JSON document
	 */
	byte[] encode(EtcdRegistration registration) {
		ObjectNode document = this.json.createObjectNode();
		document.put("name", registration.getServiceId());
		document.put("version", registration.getVersion());
		document.putNull("metadata");
		document.putArray("endpoints");
		ObjectNode node = document.putArray("nodes").addObject();
		ObjectNode metadata = node.putObject("metadata");
		metadata.put("registry", "etcd");
		metadata.put("server", "phanes");
		metadata.put("protocol", "http");
		metadata.put("transport", "http");
		if (registration.isSecure()) {
			metadata.put(SECURE, "true");
		}
		registration.getMetadata().forEach(metadata::put);
		node.put("id", registration.getInstanceId());
		node.put("address", address(registration.getHost(), registration.getPort()));
		return this.json.writeValueAsBytes(document);
	}

	/**
	 * Read the instances of the document under a key.
	 * @param key the key, under the prefix
	 * @param value the document
	 * @return its nodes as instances, in document order
	 * @throws InvalidRegistryDocumentException if the document is too large, not JSON,
	 * not a service document, or not the one its key names
	 */
	List<DiscoveredInstance> decode(String key, byte[] value) {
		if (value.length > this.maxBytes) {
			throw new InvalidRegistryDocumentException("the document has " + value.length + " bytes, more than the "
					+ this.maxBytes + " of phanes.discovery.etcd.max-document-size");
		}
		JsonNode document;
		try {
			document = this.json.readTree(value);
		}
		catch (JacksonException ex) {
			throw new InvalidRegistryDocumentException("the document is not JSON: " + ex.getOriginalMessage());
		}
		if (document == null || !document.isObject()) {
			throw new InvalidRegistryDocumentException("the document is not a JSON object");
		}
		String name = checkDocumentName(text(document, "name", true), "name");
		String relative = key.substring(this.prefix.length());
		if (!relative.startsWith(segment(name) + "/")) {
			throw new InvalidRegistryDocumentException(
					"the document names service '" + name + "', which its key does not");
		}
		String version = text(document, "version", false);
		Map<String, String> serviceMetadata = metadata(document, "service");
		JsonNode nodes = document.get("nodes");
		if (nodes == null || !nodes.isArray() || nodes.isEmpty()) {
			throw new InvalidRegistryDocumentException("the document has no nodes");
		}
		List<DiscoveredInstance> instances = new ArrayList<>();
		for (JsonNode node : nodes) {
			if (!node.isObject()) {
				throw new InvalidRegistryDocumentException("a node is not a JSON object");
			}
			String id = checkDocumentName(text(node, "id", true), "node id");
			Map<String, String> metadata = new LinkedHashMap<>(serviceMetadata);
			if (version != null && !version.isEmpty()) {
				metadata.putIfAbsent("version", version);
			}
			metadata.putAll(metadata(node, "node " + id));
			String address = text(node, "address", true);
			int colon = address.lastIndexOf(':');
			String host = (colon > 0) ? address.substring(0, colon) : "";
			if (host.startsWith("[") && host.endsWith("]")) {
				host = host.substring(1, host.length() - 1);
			}
			int port = (colon > 0) ? port(address.substring(colon + 1)) : -1;
			if (host.isEmpty() || port < 1) {
				throw new InvalidRegistryDocumentException(
						"the address '" + address + "' of node " + id + " is not host:port");
			}
			boolean secure = "true".equalsIgnoreCase(metadata.get(SECURE))
					|| "https".equalsIgnoreCase(metadata.get("scheme"));
			instances.add(new DiscoveredInstance(name, id, host, port, secure, metadata));
		}
		return instances;
	}

	/**
	 * Check a service id or node id this application registers: go-micro's names are any
	 * string, but an empty one, one with control characters, or a longer one than 255
	 * characters would make a key no peer reads back.
	 * @param name the name
	 * @param what what it names, for the message
	 * @return the name
	 * @throws IllegalArgumentException if the name is not usable
	 */
	static String checkName(String name, String what) {
		String problem = problem(name);
		if (problem != null) {
			throw new IllegalArgumentException("The " + what + " '" + name + "' " + problem);
		}
		return name;
	}

	private static String checkDocumentName(String name, String what) {
		String problem = problem(name);
		if (problem != null) {
			throw new InvalidRegistryDocumentException("the " + what + " " + problem);
		}
		return name;
	}

	private static @org.jspecify.annotations.Nullable String problem(String name) {
		if (name.isBlank()) {
			return "is blank";
		}
		if (name.length() > MAX_NAME_LENGTH) {
			return "is longer than " + MAX_NAME_LENGTH + " characters";
		}
		if (name.equals(".") || name.equals("..")) {
			return "is a relative path";
		}
		if (name.chars().anyMatch(Character::isISOControl)) {
			return "contains control characters";
		}
		return null;
	}

	private static String segment(String name) {
		return name.replace('/', '-');
	}

	private static String address(String host, int port) {
		return ((host.indexOf(':') >= 0 && !host.startsWith("[")) ? "[" + host + "]" : host) + ":" + port;
	}

	private static int port(String text) {
		try {
			int port = Integer.parseInt(text);
			return (port <= 65535) ? port : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private static String text(JsonNode object, String field, boolean required) {
		JsonNode value = object.get(field);
		if (value == null || value.isNull()) {
			if (required) {
				throw new InvalidRegistryDocumentException("the document has no " + field);
			}
			return "";
		}
		if (!value.isString()) {
			throw new InvalidRegistryDocumentException("the " + field + " is not a string");
		}
		return value.asString();
	}

	private static Map<String, String> metadata(JsonNode object, String owner) {
		JsonNode metadata = object.get("metadata");
		if (metadata == null || metadata.isNull()) {
			return Map.of();
		}
		if (!metadata.isObject()) {
			throw new InvalidRegistryDocumentException("the metadata of the " + owner + " is not an object");
		}
		Map<String, String> entries = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : metadata.properties()) {
			if (!entry.getValue().isString()) {
				throw new InvalidRegistryDocumentException(
						"the metadata '" + entry.getKey() + "' of the " + owner + " is not a string");
			}
			entries.put(entry.getKey(), entry.getValue().asString());
		}
		return entries;
	}

}
