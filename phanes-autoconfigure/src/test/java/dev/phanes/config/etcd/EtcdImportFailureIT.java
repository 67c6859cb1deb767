package dev.phanes.config.etcd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.phanes.config.ConfigTestApplication;
import dev.phanes.config.ShopProperties;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An etcd import when nothing listens at the endpoint: {@code optional:} starts without
 * it, a plain import stops start-up with a message that says what to do.
 */
class EtcdImportFailureIT {

	@Test
	void optionalImportStartsWithoutEtcdAndReportsItDown() throws IOException {
		String endpoint = "http://127.0.0.1:" + closedPort();
		try (ConfigurableApplicationContext context = ConfigTestApplication.run(Map.of(),
				"--config-it.import=optional:etcd:/config/absent/", "--phanes.config.etcd.endpoints=" + endpoint)) {
			assertThat(context.getBean(ShopProperties.class).getGreeting()).isEqualTo("from-yml");
			assertThat(context.getBean(EtcdConfigHealthIndicator.class).health(true).getStatus())
				.isEqualTo(Status.DOWN);
		}
	}

	@Test
	void requiredImportFailsStartUpWithAClearMessage() throws IOException {
		String endpoint = "http://127.0.0.1:" + closedPort();
		assertThatThrownBy(() -> ConfigTestApplication.run(Map.of(), "--config-it.import=etcd:/config/required",
				"--phanes.config.etcd.endpoints=" + endpoint))
			.hasRootCauseInstanceOf(Exception.class)
			.satisfies((ex) -> {
				Throwable failure = ex;
				while (failure != null && !(failure instanceof EtcdConfigUnavailableException)) {
					failure = failure.getCause();
				}
				assertThat(failure).isNotNull();
				assertThat(failure.getMessage()).contains("etcd prefix /config/required/")
					.contains(endpoint)
					.contains("optional:etcd:/config/required/");
			});
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
