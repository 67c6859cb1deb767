package dev.phanes.config.etcd;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link EtcdKeyMapper}.
 */
class EtcdKeyMapperTests {

	@Test
	void pathBelowThePrefixBecomesADottedNameWithNumericSegmentsAsIndexes() {
		Map<String, Object> properties = EtcdKeyMapper.properties("/config/orders/",
				entries("/config/orders/server/port", "8080", "/config/orders/app/hosts/0", "a",
						"/config/orders/app/hosts/1/name", "b", "/config/orders/dir/", "ignored", "/config/orders/",
						"ignored"));
		assertThat(properties).containsExactly(Map.entry("server.port", "8080"), Map.entry("app.hosts[0]", "a"),
				Map.entry("app.hosts[1].name", "b"));
	}

	@Test
	void documentKeysArePlacedBelowTheirDirectoryAndPlainKeysWin() {
		Map<String, Object> properties = EtcdKeyMapper.properties("/c/",
				entries("/c/application.yml", "server:\n  port: 1\n  address: here\n", "/c/shop/extra.properties",
						"greeting=hi\n", "/c/server/port", "2"));
		assertThat(properties).containsEntry("server.port", "2")
			.containsEntry("server.address", "here")
			.containsEntry("shop.greeting", "hi");
	}

	@Test
	void brokenDocumentNamesItsKey() {
		assertThatExceptionOfType(InvalidEtcdValueException.class)
			.isThrownBy(() -> EtcdKeyMapper.properties("/c/", entries("/c/application.yaml", "a: [unclosed\n")))
			.withMessageContaining("/c/application.yaml")
			.withMessageContaining("YAML");
	}

	private static Map<String, byte[]> entries(String... keysAndValues) {
		Map<String, byte[]> entries = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			entries.put(keysAndValues[i], keysAndValues[i + 1].getBytes(StandardCharsets.UTF_8));
		}
		return entries;
	}

}
