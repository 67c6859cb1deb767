package dev.phanes.loadbalancer.grpc;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.google.protobuf.StringValue;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.client.ChannelBuilderOptions;
import org.springframework.grpc.client.ClientInterceptorsConfigurer;
import org.springframework.grpc.client.GrpcChannelBuilderCustomizer;
import org.springframework.grpc.client.NettyGrpcChannelFactory;
import org.springframework.grpc.server.NettyGrpcServerFactory;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole path through Spring gRPC's own classes: a server run by Spring gRPC's
 * {@link GrpcServerLifecycle} on port 0 gets its bound port published as
 * {@code gRPC_port} in its mDNS registration (the RPC block's {@code GrpcPortPublisher}),
 * and a channel from Spring gRPC's {@link NettyGrpcChannelFactory}, customized by the
 * {@code GrpcChannelBuilderCustomizer} bean Phanes defines, calls it as
 * {@code discovery:///<service>}.
 */
class SpringGrpcDiscoveryIT {

	private static final String SERVICE = "spring-grpc-"
			+ Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));

	@Test
	void aSpringGrpcServerIsPublishedAndCalledByName() {
		try (ConfigurableApplicationContext server = new SpringApplicationBuilder(ServerApplication.class)
			.properties("spring.application.name=" + SERVICE, "phanes.test.name=served", "server.port=0",
					"phanes.discovery.mdns.address=127.0.0.1", "spring.main.banner-mode=off")
			.run();
				ConfigurableApplicationContext client = new SpringApplicationBuilder(
						GrpcDiscoveryIT.ClientApplication.class)
					.web(WebApplicationType.NONE)
					.properties("spring.main.banner-mode=off", "phanes.discovery.mdns.address=127.0.0.1")
					.run()) {
			int grpcPort = server.getBean(GrpcServerLifecycle.class).getPort();
			assertThat(grpcPort).isPositive();
			DiscoveryClient discovery = client.getBean(DiscoveryClient.class);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> discovery.getInstances(SERVICE)
					.stream()
					.map(ServiceInstance::getMetadata)
					.anyMatch((metadata) -> Integer.toString(grpcPort).equals(metadata.get("gRPC_port"))));
			NettyGrpcChannelFactory channels = channelFactory(client);
			ManagedChannel channel = channels.createChannel("discovery:///" + SERVICE,
					ChannelBuilderOptions.defaults());
			try {
				for (int i = 0; i < 10; i++) {
					assertThat(ClientCalls.blockingUnaryCall(channel, Echo.WHO, CallOptions.DEFAULT, StringValue.of(""))
						.getValue()).isEqualTo("served");
				}
			}
			finally {
				channel.shutdownNow();
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static NettyGrpcChannelFactory channelFactory(ConfigurableApplicationContext client) {
		Map<String, GrpcChannelBuilderCustomizer> customizers = client
			.getBeansOfType(GrpcChannelBuilderCustomizer.class);
		assertThat(customizers).containsKey("phanesGrpcChannelBuilderCustomizer");
		ClientInterceptorsConfigurer interceptors = new ClientInterceptorsConfigurer(client);
		interceptors.afterPropertiesSet();
		List<GrpcChannelBuilderCustomizer<NettyChannelBuilder>> list = customizers.values()
			.stream()
			.map((customizer) -> (GrpcChannelBuilderCustomizer<NettyChannelBuilder>) customizer)
			.toList();
		return new NettyGrpcChannelFactory(list, interceptors);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
	static class ServerApplication {

		@Bean
		GrpcServerLifecycle grpcServerLifecycle(@Value("${phanes.test.name}") String name,
				ApplicationEventPublisher events) throws Exception {
			NettyGrpcServerFactory factory = new NettyGrpcServerFactory("127.0.0.1:0", List.of(), null, null, null);
			factory.addService(new Echo.EchoServer(name, false).definition());
			return new GrpcServerLifecycle(factory, Duration.ofSeconds(1), events);
		}

	}

}
