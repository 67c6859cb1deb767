package dev.phanes.discovery.etcd;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.phanes.discovery.DiscoveredInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * go-micro's service documents, both ways. The documents below are written by hand from
 * go-micro's {@code registry.Service} (JSON tags {@code name}, {@code version},
 * {@code metadata}, {@code endpoints}, {@code nodes}; a node's {@code id},
 * {@code address}, {@code metadata}), in the field order of go-micro v4.10.2 and later
 * and of the versions before, as its mucp and gRPC servers register themselves.
 */
class GoMicroDocumentsTests {

	private static final String GREETER_V5 = """
			{"name":"greeter","version":"latest","metadata":null,"endpoints":[],"nodes":[{"metadata":\
			{"broker":"http","protocol":"mucp","registry":"etcd","server":"mucp","transport":"http"},\
			"id":"greeter-1234","address":"10.0.0.1:8080"}]}""";

	private static final String GREETER_V3 = """
			{"name":"greeter","version":"1.2.0","metadata":{"team":"payments"},"endpoints":[{"name":"Greeter.Hello",\
			"request":{"name":"Request","type":"Request","values":[{"name":"name","type":"string","values":null}]},\
			"response":{"name":"Response","type":"Response","values":null},"metadata":{"stream":"false"}}],\
			"nodes":[{"id":"greeter-5678","address":"[fd00::7]:9090","metadata":{"protocol":"grpc",\
			"server":"grpc","transport":"grpc","registry":"etcd"}}]}""";

	private final GoMicroDocuments documents = new GoMicroDocuments("/micro/registry/", 4096);

	@Test
	void readsADocumentAsGoMicroV5WritesIt() {
		List<DiscoveredInstance> instances = decode("/micro/registry/greeter/greeter-1234", GREETER_V5);
		assertThat(instances).singleElement().satisfies((instance) -> {
			assertThat(instance.getServiceId()).isEqualTo("greeter");
			assertThat(instance.getInstanceId()).isEqualTo("greeter-1234");
			assertThat(instance.getHost()).isEqualTo("10.0.0.1");
			assertThat(instance.getPort()).isEqualTo(8080);
			assertThat(instance.isSecure()).isFalse();
			assertThat(instance.getMetadata()).containsEntry("protocol", "mucp")
				.containsEntry("version", "latest")
				.containsEntry("registry", "etcd");
		});
	}

	@Test
	void readsADocumentAsGoMicroV3WritesItWithEndpointsServiceMetadataAndAnIpv6Address() {
		List<DiscoveredInstance> instances = decode("/micro/registry/greeter/greeter-5678", GREETER_V3);
		assertThat(instances).singleElement().satisfies((instance) -> {
			assertThat(instance.getHost()).isEqualTo("fd00::7");
			assertThat(instance.getPort()).isEqualTo(9090);
			assertThat(instance.getUri()).hasToString("http://[fd00::7]:9090");
			assertThat(instance.getMetadata()).containsEntry("team", "payments")
				.containsEntry("version", "1.2.0")
				.containsEntry("protocol", "grpc");
		});
	}

	@Test
	void writesTheDocumentGoMicroReadsWithOneNodeUnderItsKey() {
		EtcdRegistration registration = new EtcdRegistration("notes", "notes-1", "127.0.0.1", 8081, true, "2.0",
				Map.of("zone", "a"));
		assertThat(this.documents.key(registration)).isEqualTo("/micro/registry/notes/notes-1");
		JsonNode document = JsonMapper.shared().readTree(this.documents.encode(registration));
		assertThat(document.propertyNames()).containsExactly("name", "version", "metadata", "endpoints", "nodes");
		assertThat(document.get("name").asString()).isEqualTo("notes");
		assertThat(document.get("version").asString()).isEqualTo("2.0");
		assertThat(document.get("metadata").isNull()).isTrue();
		assertThat(document.get("endpoints").isArray()).isTrue();
		assertThat(document.get("nodes")).hasSize(1);
		JsonNode node = document.get("nodes").get(0);
		assertThat(node.get("id").asString()).isEqualTo("notes-1");
		assertThat(node.get("address").asString()).isEqualTo("127.0.0.1:8081");
		assertThat(node.get("metadata").get("zone").asString()).isEqualTo("a");
		assertThat(node.get("metadata").get("secure").asString()).isEqualTo("true");
		assertThat(node.get("metadata").get("registry").asString()).isEqualTo("etcd");
	}

	@Test
	void readsBackWhatItWrites() {
		EtcdRegistration registration = new EtcdRegistration("go.micro.srv/notes", "notes/1", "::1", 8443, true,
				"latest", Map.of("zone", "a"));
		String key = this.documents.key(registration);
		assertThat(key).isEqualTo("/micro/registry/go.micro.srv-notes/notes-1");
		assertThat(this.documents.decode(key, this.documents.encode(registration))).singleElement()
			.satisfies((instance) -> {
				assertThat(instance.getServiceId()).isEqualTo("go.micro.srv/notes");
				assertThat(instance.getInstanceId()).isEqualTo("notes/1");
				assertThat(instance.getHost()).isEqualTo("::1");
				assertThat(instance.getPort()).isEqualTo(8443);
				assertThat(instance.isSecure()).isTrue();
				assertThat(instance.getScheme()).isEqualTo("https");
				assertThat(instance.getMetadata()).containsEntry("zone", "a");
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "not json", "[]", "{}", "{\"name\":\"greeter\"}", "{\"name\":\"greeter\",\"nodes\":[]}",
			"{\"name\":\"greeter\",\"nodes\":[{\"id\":\"n\",\"address\":\"10.0.0.1\"}]}",
			"{\"name\":\"greeter\",\"nodes\":[{\"id\":\"n\",\"address\":\":8080\"}]}",
			"{\"name\":\"greeter\",\"nodes\":[{\"id\":\"n\",\"address\":\"h:99999\"}]}",
			"{\"name\":\"greeter\",\"nodes\":[{\"id\":\"\",\"address\":\"h:1\"}]}",
			"{\"name\":\"greeter\",\"nodes\":[{\"id\":\"n\",\"address\":\"h:1\",\"metadata\":{\"a\":1}}]}",
			"{\"name\":\"greeter\",\"nodes\":[{\"id\":\"n\",\"address\":\"h:1\",\"metadata\":[]}]}",
			"{\"name\":7,\"nodes\":[{\"id\":\"n\",\"address\":\"h:1\"}]}",
			"{\"name\":\"other\",\"nodes\":[{\"id\":\"n\",\"address\":\"h:1\"}]}",
			"{\"name\":\"gree\\u0000ter\",\"nodes\":[{\"id\":\"n\",\"address\":\"h:1\"}]}", "null", "" })
	void refusesWhatIsNotAUsableServiceDocumentForItsKey(String value) {
		assertThatExceptionOfType(InvalidRegistryDocumentException.class)
			.isThrownBy(() -> decode("/micro/registry/greeter/n", value))
			.withMessageStartingWith("the ");
	}

	@Test
	void refusesADocumentLargerThanItsLimit() {
		String large = GREETER_V5.replace("\"metadata\":null", "\"metadata\":{\"pad\":\"" + "x".repeat(5000) + "\"}");
		assertThatExceptionOfType(InvalidRegistryDocumentException.class)
			.isThrownBy(() -> decode("/micro/registry/greeter/greeter-1234", large))
			.withMessageContaining("phanes.discovery.etcd.max-document-size");
	}

	@Test
	void refusesNamesNoPeerCouldReadBack() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new EtcdRegistration(" ", "i", "h", 1, false, "latest", Map.of()))
			.withMessageContaining("service id");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new EtcdRegistration("s", "a\nb", "h", 1, false, "latest", Map.of()))
			.withMessageContaining("control characters");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new EtcdRegistration("x".repeat(256), "i", "h", 1, false, "latest", Map.of()))
			.withMessageContaining("255");
	}

	private List<DiscoveredInstance> decode(String key, String value) {
		return this.documents.decode(key, value.getBytes(StandardCharsets.UTF_8));
	}

}
