package dev.phanes.loadbalancer.grpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.test.EtcdExtension;
import dev.phanes.test.EtcdServer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.awaitility.Awaitility.await;

/**
 * The same calls by service name as {@link GrpcDiscoveryIT}, with discovery on a real
 * etcd (Phanes' etcd registry in go-micro's layout) instead of mDNS: spread without a
 * key, and a key reaching one instance, the same one as over HTTP.
 */
@ExtendWith(EtcdExtension.class)
class GrpcEtcdDiscoveryIT {

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@Test
	void callsByServiceNameSpreadWithoutAKeyAndFollowAKeyAsHttpDoes(EtcdServer etcd) throws Exception {
		String service = "echo-etcd-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
		for (String name : List.of("a", "b", "c")) {
			Echo.EchoServer server = new Echo.EchoServer(name);
			this.resources.add(server::stop);
			this.resources.add(
					new SpringApplicationBuilder(GrpcPeerApplication.class)
						.properties(etcd(etcd, "spring.application.name=" + service, "phanes.test.name=" + name,
								"server.port=0", "server.address=127.0.0.1",
								"phanes.discovery.etcd.metadata.gRPC_port=" + server.port()))
						.run());
		}
		ConfigurableApplicationContext client = new SpringApplicationBuilder(GrpcDiscoveryIT.ClientApplication.class)
			.web(WebApplicationType.NONE)
			.properties(etcd(etcd, "phanes.loadbalancer.hash.header=X-User-Id"))
			.run();
		this.resources.add(client);
		DiscoveryClient discovery = client.getBean(DiscoveryClient.class);
		await().atMost(Duration.ofSeconds(30)).until(() -> discovery.getInstances(service).size() == 3);
		ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder("discovery:///" + service,
				InsecureChannelCredentials.create());
		client.getBean(GrpcDiscovery.class).configure(builder);
		ManagedChannel channel = builder.build();
		this.resources.add(channel::shutdownNow);
		GrpcCalls.assertSpreadEvenly(channel, List.of("a", "b", "c"));
		GrpcCalls.assertKeysStickAndMatchHttp(channel, client.getBean(WebClient.Builder.class).build(), service);
	}

	private static String[] etcd(EtcdServer etcd, String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.main.banner-mode=off", "phanes.discovery.type=etcd",
				"phanes.discovery.etcd.endpoints=" + etcd.endpoint(), "phanes.discovery.etcd.hostname=127.0.0.1",
				"phanes.discovery.mdns.address=127.0.0.1"));
		all.addAll(List.of(properties));
		return all.toArray(String[]::new);
	}

}
