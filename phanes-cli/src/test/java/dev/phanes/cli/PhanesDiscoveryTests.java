package dev.phanes.cli;

import java.net.URI;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Phanes' own discovery as the command starts it: a real non-web context, mDNS on
 * loopback, nothing registered, and the properties that make it a quiet client.
 */
class PhanesDiscoveryTests {

	private final CliOptions options = new CliOptions(false, List.of(), CliOptions.DEFAULT_MDNS_ADDRESS,
			Duration.ofMillis(200), Duration.ofSeconds(2), false);

	@Test
	void propertiesKeepMdnsOnTheGivenAddressAndRegisterNothing() {
		Map<String, String> properties = PhanesDiscovery.properties(this.options, Map.of());
		assertThat(properties).containsEntry("phanes.discovery.mdns.address", "127.0.0.1")
			.containsEntry("phanes.discovery.type", "mdns")
			.containsEntry("spring.cloud.service-registry.auto-registration.enabled", "false")
			.containsEntry("spring.main.web-application-type", "none")
			.containsEntry("phanes.store.enabled", "false")
			.containsEntry("phanes.event.enabled", "false")
			.containsEntry("phanes.config.enabled", "false")
			.containsEntry("phanes.sync.enabled", "false")
			.containsEntry("phanes.collector.enabled", "false");
		CliOptions etcd = new CliOptions(false, List.of("http://10.0.0.1:2379", "http://10.0.0.2:2379"), "127.0.0.1",
				Duration.ofSeconds(2), Duration.ofSeconds(3), false);
		assertThat(PhanesDiscovery.properties(etcd, Map.of())).containsEntry("phanes.discovery.type", "etcd")
			.containsEntry("phanes.discovery.etcd.endpoints", "http://10.0.0.1:2379,http://10.0.0.2:2379")
			.containsEntry("phanes.discovery.etcd.request-timeout", "3000ms")
			.containsEntry("phanes.discovery.mdns.address", "127.0.0.1");
	}

	@Test
	void aServiceNobodyRunsHasNoInstanceAndNoChoice() {
		String service = "phanes-cli-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
		try (Discovery discovery = PhanesDiscovery.open(this.options,
				Map.of("phanes.loadbalancer.hash.header", "X-User-Id"))) {
			assertThat(discovery.description()).isEqualTo("mDNS on 127.0.0.1");
			assertThat(discovery.hashHeader()).isEqualTo("X-User-Id");
			assertThat(discovery.instances(service)).isEmpty();
			assertThat(discovery.services()).doesNotContain(service);
			RequestData request = new RequestData(HttpMethod.GET, URI.create("http://" + service + "/"),
					new HttpHeaders(), new LinkedMultiValueMap<>(), Map.of());
			assertThat(discovery.choose(service, request)).isEmpty();
			assertThat(discovery.problem()).isNull();
		}
	}

	@Test
	void theHashHeaderDefaultsToPhanesKey() {
		try (Discovery discovery = PhanesDiscovery.open(this.options, Map.of())) {
			assertThat(discovery.hashHeader()).isEqualTo("X-Phanes-Key");
		}
	}

	@Test
	void anAddressThisHostDoesNotHaveIsAClearFailure() {
		// Multicast safety: a loopback address no interface has, so that nothing is bound
		CliOptions elsewhere = new CliOptions(false, List.of(), "127.0.0.2", Duration.ZERO, Duration.ofSeconds(1),
				false);
		assertThatExceptionOfType(CliException.class).isThrownBy(() -> PhanesDiscovery.open(elsewhere, Map.of()))
			.withMessageStartingWith("Discovery did not start (mDNS on 127.0.0.2): ")
			.withMessageContaining("127.0.0.2 is not an address of this host");
	}

}
