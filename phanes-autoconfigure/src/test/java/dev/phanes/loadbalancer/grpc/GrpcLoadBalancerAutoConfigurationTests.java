package dev.phanes.loadbalancer.grpc;

import java.net.URI;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.StringValue;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.Test;

import dev.phanes.loadbalancer.PhanesLoadBalancerAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.grpc.client.GrpcChannelBuilderCustomizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link GrpcLoadBalancerAutoConfiguration}, and what a user meets when a
 * {@code discovery:} channel is built wrong.
 */
class GrpcLoadBalancerAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(UtilAutoConfiguration.class, SimpleDiscoveryClientAutoConfiguration.class,
					PhanesLoadBalancerAutoConfiguration.class, GrpcLoadBalancerAutoConfiguration.class));

	@Test
	void definesTheDiscoveryAndTheSpringGrpcCustomizer() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(GrpcDiscovery.class);
			assertThat(context).hasBean("phanesGrpcChannelBuilderCustomizer");
			assertThat(context.getBean("phanesGrpcChannelBuilderCustomizer"))
				.isInstanceOf(GrpcChannelBuilderCustomizer.class);
		});
	}

	@Test
	void isOffWithItsSwitch() {
		this.contextRunner.withPropertyValues("phanes.loadbalancer.grpc.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcDiscovery.class)
				.doesNotHaveBean("phanesGrpcChannelBuilderCustomizer"));
	}

	@Test
	void anUnknownFailureCodeStopsStartUpWithItsName() {
		this.contextRunner.withPropertyValues("phanes.loadbalancer.grpc.failure-codes=UNAVAILABLE,SERVER_ERROR")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining(
						"phanes.loadbalancer.grpc.failure-codes: 'SERVER_ERROR' is not a gRPC status code"));
	}

	@Test
	void aNegativeDeadlineOrRetryCountIsRejected() {
		this.contextRunner
			.withPropertyValues("phanes.loadbalancer.grpc.deadline=-1s", "phanes.loadbalancer.grpc.retries=-1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("grpc.deadline")
				.hasMessageContaining("grpc.retries"));
	}

	@Test
	void aDiscoveryChannelBuiltWithoutPhanesFailsItsCallsSayingHowToBuildIt() throws Exception {
		ManagedChannel channel = Grpc.newChannelBuilder("discovery:///inventory", InsecureChannelCredentials.create())
			.build();
		try {
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> ClientCalls.blockingUnaryCall(channel, Echo.WHO,
						CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), StringValue.of("")))
				.satisfies((ex) -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
					assertThat(ex.getStatus().getDescription()).contains("GrpcDiscovery.configure");
				});
		}
		finally {
			channel.shutdownNow();
		}
	}

	@Test
	void aTargetNamesExactlyOneService() {
		assertThat(DiscoveryNameResolverProvider.serviceId(URI.create("discovery:///inventory")))
			.isEqualTo("inventory");
		assertThat(DiscoveryNameResolverProvider.serviceId(URI.create("discovery://inventory"))).isEqualTo("inventory");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DiscoveryNameResolverProvider.serviceId(URI.create("discovery:///a/b")))
			.withMessageContaining("discovery:///inventory");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DiscoveryNameResolverProvider.serviceId(URI.create("discovery:///")));
	}

}
